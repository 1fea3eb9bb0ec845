"""Partner use-cases: list, read, add and edit partners, guarded by a version check.

Edits are optimistic: the dialog remembers the version it opened, and the save succeeds only
if the row still has that version, so an admin never silently overwrites a colleague's edit.
Every add and edit writes an audit row with the fields that changed. The ranking reads partners
fresh on every rank, so a tier change takes effect on the next rank; a ``PARTNERS`` change tells
the pane to rank again now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudroute_desk.db import audit, partner_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now
from cloudroute_desk.domain.entities import Partner
from cloudroute_desk.domain.partner_rules import PartnerProblem, blocking_problems
from cloudroute_desk.services import write_requests
from cloudroute_desk.services.changes import ChangeKind, Changes, Rows


def partner_changed(partner_id: int | None, admin: str) -> Changes:
    return Changes.of(ChangeKind.PARTNERS, partners=Rows.of(partner_id), admin=admin)


class PartnerError(Exception):
    """A partner could not be saved; the message is one sentence for the admin."""


class PartnerNotFoundError(PartnerError):
    """The partner was deleted or never existed (e.g. a stale id from another admin's view)."""


class PartnerInvalidError(PartnerError):
    def __init__(self, problems: list[PartnerProblem]) -> None:
        super().__init__(" ".join(p.message for p in problems))
        self.problems = problems


class PartnerConflictError(PartnerError):
    """Someone else saved the partner after this admin opened it."""


@dataclass(frozen=True, slots=True)
class PartnerSaved:
    partner: Partner
    """The partner as stored, with its id and new version."""
    changes: Changes


def list_partners(database: Database, *, include_inactive: bool = True) -> list[Partner]:
    with database.reading() as session:
        return partner_queries.list_partners(session, include_inactive=include_inactive)


def get_partner(database: Database, partner_id: int) -> Partner:
    with database.reading() as session:
        partner = partner_queries.get_partner(session, partner_id)
    if partner is None:
        raise PartnerNotFoundError(f"Partner {partner_id} no longer exists.")
    return partner


def _normalised(partner: Partner) -> Partner:
    external_id = (partner.external_id or "").strip() or None
    return partner.model_copy(update={"name": partner.name.strip(), "external_id": external_id})


def _check(partner: Partner) -> None:
    problems = blocking_problems(partner)
    if problems:
        raise PartnerInvalidError(problems)


def create_partner(
    database: Database, partner: Partner, admin: str, *, request_id: str | None = None
) -> PartnerSaved:
    partner = _normalised(partner)
    _check(partner)
    with write_requests.recorded(database, request_id, "create_partner", admin) as write:
        session = write.session
        now = server_now(session)
        if partner.external_id and partner_queries.external_id_taken(
            session, partner.external_id, other_than=None
        ):
            raise PartnerInvalidError(
                [PartnerProblem("external_id", f"External id {partner.external_id!r} is in use.")]
            )
        partner_id = partner_queries.insert_partner(session, partner, created_at=now)
        audit.add_audit_event(
            session,
            at=now,
            actor=admin,
            kind="partner_created",
            partner_id=partner_id,
            detail={"name": partner.name, "tier": partner.tier.value},
        )
        stored = partner_queries.get_partner(session, partner_id)
        write.done(partner_changed(partner_id, admin), partner_id=partner_id)
    assert stored is not None
    return PartnerSaved(stored, partner_changed(stored.id, admin))


def _changed_fields(old: Partner, new: Partner) -> dict[str, Any]:
    before = old.model_dump(mode="json", exclude={"id", "version"})
    after = new.model_dump(mode="json", exclude={"id", "version"})
    return {key: [before[key], after[key]] for key in after if before[key] != after[key]}


def update_partner(
    database: Database, partner: Partner, admin: str, *, request_id: str | None = None
) -> PartnerSaved:
    """Save ``partner`` over its row if the row is still at ``partner.version``."""
    if partner.id is None:
        raise PartnerNotFoundError("Only a saved partner can be edited.")
    partner_id = partner.id
    partner = _normalised(partner)
    _check(partner)
    with write_requests.recorded(database, request_id, "update_partner", admin) as write:
        session = write.session
        now = server_now(session)
        old = partner_queries.get_partner(session, partner_id)
        if old is None:
            raise PartnerNotFoundError(f"{partner.name} was deleted by someone else.")
        if partner.external_id and partner_queries.external_id_taken(
            session, partner.external_id, other_than=partner_id
        ):
            raise PartnerInvalidError(
                [PartnerProblem("external_id", f"External id {partner.external_id!r} is in use.")]
            )
        if not partner_queries.update_partner_if_version(session, partner, partner.version):
            raise PartnerConflictError(
                f"{old.name} was changed by someone else while you edited it "
                f"(you opened version {partner.version}, it is now version {old.version}). "
                "Reopen the partner to see their changes, then edit again."
            )
        audit.add_audit_event(
            session,
            at=now,
            actor=admin,
            kind="partner_updated",
            partner_id=partner_id,
            detail={"changed": _changed_fields(old, partner), "version": partner.version + 1},
        )
        stored = partner_queries.get_partner(session, partner_id)
        write.done(partner_changed(partner_id, admin), partner_id=partner_id)
    assert stored is not None
    return PartnerSaved(stored, partner_changed(stored.id, admin))
