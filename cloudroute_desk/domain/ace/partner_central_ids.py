"""CloudRoute's own id for an ACE record in Partner Central.

An exported ``CreateOpportunity`` carries it as ``PartnerOpportunityIdentifier``, and Partner
Central hands it back on every ``GetOpportunity`` and ``ListOpportunities`` answer and in the
bulk export (``partnerCrmUniqueIdentifier``), so an outcome from AWS finds the record it is
about without guessing. It is derived from the record's inquiry and record ids, never typed:

    CR-I<inquiry id>-R<record id>        e.g.  CR-I42-R1337

Both ids are positive decimal integers without leading zeros, so every pair has exactly one
spelling and the parser can refuse anything else (a partner's own CRM id, a hand-edited or
hostile value) rather than half-match it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

PREFIX: Final = "CR-"
MAX_ID: Final = 2**63 - 1
"""Ids are BIGINT on PostgreSQL; a larger number cannot be one of our records."""

_ID_TEXT: Final = re.compile(r"CR-I([1-9][0-9]{0,18})-R([1-9][0-9]{0,18})", re.ASCII)


@dataclass(frozen=True, slots=True)
class CloudRouteOpportunityId:
    inquiry_id: int
    record_id: int

    def __str__(self) -> str:
        return cloudroute_opportunity_id(self.inquiry_id, self.record_id)


def cloudroute_opportunity_id(inquiry_id: int, record_id: int) -> str:
    """The PartnerOpportunityIdentifier of record ``record_id`` of inquiry ``inquiry_id``
    (at most 43 characters; Partner Central takes 64)."""
    for name, value in (("inquiry", inquiry_id), ("record", record_id)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
            raise ValueError(f"A CloudRoute {name} id is a positive integer, not {value!r}.")
    return f"{PREFIX}I{inquiry_id}-R{record_id}"


def parse_cloudroute_opportunity_id(text: object) -> CloudRouteOpportunityId | None:
    """The ids in ``text`` when it is exactly a CloudRoute id; None for anything else (an id
    from the partner's own CRM, an empty value, text with padding or look-alike digits)."""
    if not isinstance(text, str):
        return None
    match = _ID_TEXT.fullmatch(text)
    if match is None:
        return None
    inquiry_id, record_id = int(match[1]), int(match[2])
    if inquiry_id > MAX_ID or record_id > MAX_ID:
        return None
    return CloudRouteOpportunityId(inquiry_id, record_id)
