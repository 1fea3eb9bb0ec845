"""Assigning exactly one partner to an inquiry, undo, re-route, and the batch suggestion.

The database enforces "one active partner per inquiry": a conditional UPDATE on the inquiry
(only when it has no partner and waits in new/reroute) plus the partial unique index
``uq_assignments_one_active``, with the audit row in the same short transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from cloudroute_desk.db.engine import Database
from cloudroute_desk.domain.batch_assignment import BatchItem, BatchSuggestion
from cloudroute_desk.domain.routing import AssignmentEntry
from cloudroute_desk.services.changes import Changes


class AssignmentError(Exception):
    """A refused assignment change; ``str(error)`` is a sentence for the admin."""


class AlreadyAssigned(AssignmentError):  # noqa: N818 (the name the UI codes against)
    def __init__(
        self, partner_id: int, partner_name: str, assigned_by: str, assigned_at: datetime | None
    ) -> None:
        super().__init__(f"already assigned to {partner_name} by {assigned_by}")
        self.partner_id = partner_id
        self.partner_name = partner_name
        self.assigned_by = assigned_by
        self.assigned_at = assigned_at


class NotAssignableError(AssignmentError):
    """The inquiry is not waiting for a partner (declined, credited, ...) or was not found."""


class PartnerNotEligibleError(AssignmentError):
    """The partner fails a hard gate for this inquiry (the message says which)."""


class NotAssignedError(AssignmentError):
    """Undo / re-route of an assignment that is no longer active."""


@dataclass(frozen=True, slots=True)
class BatchLoss:
    inquiry_id: int
    partner_id: int
    message: str


@dataclass(frozen=True, slots=True)
class BatchResult:
    assigned: tuple[BatchItem, ...]
    lost: tuple[BatchLoss, ...]
    """Items not assigned (someone else got there first, partner no longer eligible, ...)."""
    changes: Changes


def assign(
    database: Database, inquiry_id: int, partner_id: int, admin: str, *, reason: str = ""
) -> Changes:
    raise NotImplementedError


def unassign(
    database: Database, inquiry_id: int, partner_id: int, admin: str, *, reason: str = "undo"
) -> Changes:
    raise NotImplementedError


def mark_did_not_connect(database: Database, inquiry_id: int, admin: str) -> Changes:
    raise NotImplementedError


def undo_did_not_connect(
    database: Database, inquiry_id: int, partner_id: int, admin: str
) -> Changes:
    """Reverse ``mark_did_not_connect`` (for the undo stack): the same partner is active again."""
    raise NotImplementedError


def assignment_history(database: Database, inquiry_id: int) -> tuple[AssignmentEntry, ...]:
    raise NotImplementedError


def suggest_batch(
    database: Database,
    *,
    as_of: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> BatchSuggestion:
    raise NotImplementedError


def accept_batch(database: Database, items: Iterable[BatchItem], admin: str) -> BatchResult:
    raise NotImplementedError
