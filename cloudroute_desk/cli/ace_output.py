"""How the ACE commands print findings: one line per finding (field, severity, message), or a
JSON object with a ``findings`` list. Text from a startup can hold broken Unicode, so lines
are escaped rather than allowed to crash the terminal encoder."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

from cloudroute_desk.domain.findings import Finding


def findings_json(findings: Sequence[Finding]) -> dict[str, list[dict[str, str]]]:
    return {
        "findings": [
            {"field": f.field, "severity": f.severity.value, "message": f.message, "rule": f.rule}
            for f in findings
        ]
    }


def print_findings(
    findings: Sequence[Finding], *, as_json: bool, out: TextIO | None = None
) -> None:
    stream = out if out is not None else sys.stdout
    if as_json:
        stream.write(json.dumps(findings_json(findings), indent=2, ensure_ascii=True) + "\n")
        return
    for finding in findings:
        line = f"{finding.field}\t{finding.severity.value}\t{finding.message}"
        stream.write(safe_text(line) + "\n")


def summary(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.is_error)
    warnings = len(findings) - errors
    return f"{errors} error(s), {warnings} warning(s)"


def safe_text(text: str) -> str:
    """``text`` with unpaired surrogates and control characters escaped for a terminal."""
    escaped = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in escaped)
