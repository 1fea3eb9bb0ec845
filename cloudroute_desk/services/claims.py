"""Soft claims: "<admin> is on this (3 min)". Opening an inquiry claims it for this app
instance and drops its previous claim; the window renews the claim while it is the active
window; a claim not renewed for ``LAPSE`` is gone. A claim blocks nothing: assigning a
claimed inquiry only asks first. Claims reach the others through the change feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cloudroute_desk.db import claim_queries
from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.server_clock import server_now

LAPSE = timedelta(minutes=5)
RENEW_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Claim:
    inquiry_id: int
    admin: str
    since: datetime

    def describe(self, now: datetime) -> str:
        minutes = max(0, int((now - self.since).total_seconds() // 60))
        return f"{self.admin} is on this ({minutes} min)"


def claim(database: Database, inquiry_id: int | None) -> None:
    """This instance now triages ``inquiry_id`` (None: nothing); earlier claims end."""
    with database.writing() as session:
        now = server_now(session)
        claim_queries.release_all_but(session, database.origin, inquiry_id)
        if inquiry_id is not None:
            claim_queries.take(
                session, inquiry_id, database.admin, database.origin, now, now - LAPSE
            )


def renew(database: Database) -> None:
    with database.writing() as session:
        claim_queries.renew(session, database.origin, server_now(session))


def others(database: Database) -> dict[int, Claim]:
    """Live claims of every other app instance, by inquiry."""
    with database.reading() as session:
        rows = claim_queries.live_claims(session, server_now(session) - LAPSE)
        return {
            row.inquiry_id: Claim(row.inquiry_id, row.admin, row.since)
            for row in rows
            if row.origin != database.origin
        }
