"""Serve what another file says Partner Central holds: ListOpportunities pages or
GetOpportunity answers (the demo's ``NAME-partner-central.json``, or responses saved from the
real service), each opportunity kept with its own id, times and review status."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from cloudroute_desk.domain.ace.api_model import operation_model
from cloudroute_desk.partner_central_emulator import wire
from cloudroute_desk.partner_central_emulator.store import PartnerCentralState


def _shapes() -> tuple[Any, Any]:
    listed = operation_model("ListOpportunities").output_shape
    got = operation_model("GetOpportunity").output_shape
    assert listed is not None and got is not None
    return listed.members["OpportunitySummaries"].member, got


def _entries(document: Any) -> Iterator[tuple[str, Mapping[str, Any], bool]]:
    """(where, opportunity, is a summary) for each opportunity the document holds."""
    documents = document if isinstance(document, list) else [document]
    for number, page in enumerate(documents, 1):
        if not isinstance(page, Mapping):
            raise ValueError(f"entry {number} is not a JSON object")
        if "OpportunitySummaries" in page:
            summaries = page["OpportunitySummaries"]
            if not isinstance(summaries, list):
                raise ValueError(f"entry {number}: OpportunitySummaries is not a list")
            for index, summary in enumerate(summaries):
                yield f"entry {number}, OpportunitySummaries[{index}]", summary, True
        else:
            yield f"entry {number}", page, False


def load_answers(state: PartnerCentralState, text: str) -> int:
    """Hold every opportunity of ``text``; how many. Raises ``ValueError`` with one sentence
    naming the first entry that is not Partner Central's shape."""
    from botocore.validate import ParamValidator

    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at line {error.lineno})") from None
    summary_shape, get_shape = _shapes()
    views = []
    for where, entry, is_summary in _entries(document):
        shape = summary_shape if is_summary else get_shape
        if not isinstance(entry, Mapping):
            raise ValueError(f"{where} is not a JSON object")
        view = wire.decode(entry, shape)
        report = ParamValidator().validate(view, shape)
        if report.has_errors():
            raise ValueError(f"{where}: {report.generate_report().splitlines()[0]}")
        missing = [m for m in ("Catalog", "Id", "LastModifiedDate") if m not in view]
        if missing:
            raise ValueError(f"{where} has no {', '.join(missing)}")
        views.append(view)
    for view in views:
        state.put_opportunity(view)
    return len(views)
