"""What an admin is told when a partner may not take an inquiry, or must be confirmed first.

The assignment service raises these sentences and every front end (the partner pane, the
command line) shows them as they are, so each refusal is worded once.
"""

from __future__ import annotations

from typing import Final

from cloudroute_desk.domain.formatting import THRESHOLD_LABEL, percent
from cloudroute_desk.domain.routing.values import RankedPartner, Ranking

NOT_IN_PARTNER_LIST: Final = "that partner is no longer in the partner list"

BELOW_THRESHOLD_CONFIRMED: Final = "below threshold, confirmed"
"""The audit row's reason for a below-threshold partner the admin confirmed."""


def cannot_take(partner_name: str, reason: str) -> str:
    return f"{partner_name} cannot take this inquiry: {reason}"


def at_capacity(load: int, capacity: int) -> str:
    return f"at capacity ({load}/{capacity} open engagements)"


def partner_full(partner_name: str, held: int, capacity: int) -> str:
    """The refusal when the database finds every open slot of the partner taken."""
    return f"{partner_name} is at capacity ({held}/{capacity})"


def already_assigned(partner_name: str, assigned_by: str) -> str:
    return f"already assigned to {partner_name} by {assigned_by}"


def below_threshold_question(ranking: Ranking, chosen: RankedPartner) -> str | None:
    """What the admin confirms before a below-threshold partner is assigned; None when the
    partner is above the threshold and nothing needs asking."""
    if chosen.above_threshold:
        return None
    question = (
        f"{chosen.partner_name} is below the {THRESHOLD_LABEL} close-rate threshold on this "
        f"profile (estimate {percent(chosen.close_estimate)})."
    )
    best = ranking.best
    if not ranking.below_threshold_fallback and best is not None:
        question += f" {best.partner_name} is above it."
    return question
