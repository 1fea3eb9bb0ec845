"""Before an admin's assignment is written: the inquiry's routing, and the checks they are told
about first (who holds it, why a partner is excluded, what a below-threshold pick asks).

The partner pane shows an ``InquiryRouting``; a drag hands that same value back to
``plan_assignment``, so assigning from the pane ranks nothing more. The write itself
(``assignment.assign``) re-checks holder and capacity inside its transaction: the database
stays the judge when another admin got there first.
"""

from __future__ import annotations

from dataclasses import dataclass

from cloudroute_desk.db import assignment_queries, routing_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.routing.assignment_check import (
    BELOW_THRESHOLD_CONFIRMED,
    NOT_IN_PARTNER_LIST,
    below_threshold_question,
    cannot_take,
)
from cloudroute_desk.domain.routing.values import AssignmentEntry, RankedPartner, Ranking
from cloudroute_desk.services.assignment import (
    AlreadyAssigned,
    NotAssignableError,
    PartnerExcludedError,
    PartnerNotEligibleError,
)
from cloudroute_desk.services.routing import InquiryNotFoundError, rank_in, ranking_read


@dataclass(frozen=True, slots=True)
class InquiryRouting:
    """One inquiry's ranking and its assignment history, read together."""

    ranking: Ranking
    history: tuple[AssignmentEntry, ...]

    @property
    def active(self) -> AssignmentEntry | None:
        return next((entry for entry in self.history if entry.active), None)

    def covers(self, partner_id: int) -> bool:
        """Whether the ranking holds the partner (ranked or excluded); a ranking cut to its
        best N may not."""
        ranking = self.ranking
        return ranking.find(partner_id) is not None or any(
            e.partner_id == partner_id for e in ranking.excluded
        )


def load_routing(
    database: Database, inquiry_id: int, limit: int | None = None, *, snapshot: bool = True
) -> InquiryRouting:
    """The ranking (the best ``limit`` partners, or all) and the assignment history of one
    inquiry, read in one session. Raises ``InquiryNotFoundError``. ``snapshot=False`` for
    the pane's display (``Database.reading``); the assignment check keeps its snapshot."""
    with ranking_read(database, snapshot=snapshot) as read:
        history = assignment_queries.history(read.session, inquiry_id)
        tried = routing_queries.tried_in_history(history)  # not read twice
        return InquiryRouting(rank_in(read, inquiry_id, limit=limit, tried=tried), history)


class PartnerMissingError(PartnerNotEligibleError):
    """The partner is in neither the ranked nor the excluded list (deleted meanwhile)."""


@dataclass(frozen=True, slots=True)
class AssignmentPlan:
    ranking: Ranking
    """The ranking the assignment is judged on; pass it to ``assignment.assign``."""
    partner: RankedPartner
    question: str | None
    """What the admin confirms first (a below-threshold partner); None: nothing to ask."""

    @property
    def reason(self) -> str:
        """The audit row's reason once the admin said yes."""
        return BELOW_THRESHOLD_CONFIRMED if self.question is not None else ""


def plan_assignment(
    database: Database,
    inquiry_id: int,
    partner_id: int,
    *,
    routing: InquiryRouting | None = None,
) -> AssignmentPlan:
    """Check an admin's pick before anything is written, in the order the admin is told:
    the inquiry already has a partner (``AlreadyAssigned``), the partner is excluded
    (``PartnerExcludedError``, with the gate) or gone (``PartnerMissingError``); otherwise the
    plan, with the question a below-threshold partner asks.

    ``routing`` is what the admin looked at; the inquiry is ranked only when none is given or
    it does not hold the partner.
    """
    if (
        routing is None
        or routing.ranking.inquiry_id != inquiry_id
        or not routing.covers(partner_id)
    ):
        try:
            routing = load_routing(database, inquiry_id)
        except InquiryNotFoundError as error:
            raise NotAssignableError(str(error)) from None
    active = routing.active
    if active is not None:
        raise AlreadyAssigned(
            active.partner_id, active.partner_name, active.assigned_by, active.assigned_at
        )
    ranking = routing.ranking
    excluded = next((e for e in ranking.excluded if e.partner_id == partner_id), None)
    if excluded is not None:
        raise PartnerExcludedError(cannot_take(excluded.partner_name, excluded.reason))
    chosen = ranking.find(partner_id)
    if chosen is None:
        raise PartnerMissingError(NOT_IN_PARTNER_LIST)
    return AssignmentPlan(ranking, chosen, below_threshold_question(ranking, chosen))
