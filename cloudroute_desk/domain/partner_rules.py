"""What makes a partner record acceptable: the dialog, the service and the importer share it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cloudroute_desk.domain.catalog import TIERS
from cloudroute_desk.domain.entities import Partner

NAME_MAX = 200
EXTERNAL_ID_MAX = 64
CAPACITY_MAX = 500
"""Open engagements; far above any real partner's bench, so a typo (5000) is caught."""

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True, slots=True)
class PartnerProblem:
    field: str
    """The Partner attribute, e.g. ``name`` or ``contact.email``."""
    message: str
    blocking: bool = True
    """False for advice that does not stop saving (e.g. a partner that will never be routed)."""


def partner_problems(partner: Partner) -> list[PartnerProblem]:
    """Every problem with ``partner``, blocking ones first."""
    problems: list[PartnerProblem] = []
    name = partner.name.strip()
    if not name:
        problems.append(PartnerProblem("name", "Enter the partner's name."))
    elif len(name) > NAME_MAX:
        problems.append(PartnerProblem("name", f"Name is longer than {NAME_MAX} characters."))
    if partner.external_id is not None and len(partner.external_id) > EXTERNAL_ID_MAX:
        problems.append(
            PartnerProblem("external_id", f"External id is over {EXTERNAL_ID_MAX} characters.")
        )
    if partner.capacity > CAPACITY_MAX:
        problems.append(
            PartnerProblem("capacity", f"Capacity over {CAPACITY_MAX} open engagements is a typo.")
        )
    email = partner.contact.email.strip()
    if email and not _EMAIL.match(email):
        problems.append(PartnerProblem("contact.email", f"{email!r} is not an e-mail address."))
    phone = partner.contact.phone.strip()
    if phone and not _E164.match(phone):
        problems.append(PartnerProblem("contact.phone", "Phone must be E.164, e.g. +14155550100."))
    if partner.active and not TIERS[partner.tier].may_file:
        problems.append(
            PartnerProblem(
                "tier",
                f"{partner.tier.value} partners have no ACE filing rights; "
                "they will always be excluded from routing.",
                blocking=False,
            )
        )
    if partner.active and partner.capacity == 0:
        problems.append(
            PartnerProblem(
                "capacity", "Capacity 0: the partner is always at capacity.", blocking=False
            )
        )
    if not partner.regions:
        problems.append(
            PartnerProblem(
                "regions", "No regions: no inquiry will count as a region match.", blocking=False
            )
        )
    problems.sort(key=lambda p: not p.blocking)
    return problems


def blocking_problems(partner: Partner) -> list[PartnerProblem]:
    return [p for p in partner_problems(partner) if p.blocking]
