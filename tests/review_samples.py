"""Review statuses as Partner Central would have reported them, written straight into
``record_reviews`` for the chart tests' sample records (the import writes them for real)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from cloudroute_desk.db.engine import Database
from cloudroute_desk.db.review_tables import RecordReviewRow
from cloudroute_desk.db.tables import AceRecordRow
from tests.test_charts_data import Sample

TRAILS: dict[str, list[tuple[str, str | None, datetime]]] = {
    # r1, Alpha Cloud, Portfolio: one round trip, approved 7 days after the first submission.
    "r1": [
        ("Submitted", None, datetime(2026, 6, 3)),
        ("Action Required", "Clarify Revenue", datetime(2026, 6, 5)),
        ("Submitted", None, datetime(2026, 6, 6)),
        ("Approved", None, datetime(2026, 6, 10)),
    ],
    # r3, Beta Builders, Portfolio: approved after 4 days.
    "r3": [("Submitted", None, datetime(2026, 6, 12)), ("Approved", None, datetime(2026, 6, 16))],
    # r4, Beta Builders, Founders: rejected.
    "r4": [
        ("Submitted", None, datetime(2026, 6, 12)),
        ("Rejected", "Clarify Solution", datetime(2026, 6, 20)),
    ],
}


def add_reviews(database: Database, sample: Sample) -> None:
    with database.writing() as session:
        for name, trail in TRAILS.items():
            record = session.get(AceRecordRow, sample.records[name])
            assert record is not None
            for status, reason, at in trail:
                session.execute(
                    insert(RecordReviewRow).values(
                        record_id=record.id,
                        partner_id=record.partner_id,
                        pool=record.pool,
                        review_status=status,
                        review_status_reason=reason,
                        modified_at=at,
                        recorded_at=datetime(2026, 7, 1),
                        source="Partner Central · test",
                    )
                )
