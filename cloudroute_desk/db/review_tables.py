"""What Partner Central's review said about each record, and when (migration 0011).

One row per Partner Central snapshot that reached a record (the import and the sync both
write them through ``services/partner_central_import``): the review status, stage and reasons
as Partner Central reported them, its ``LastModifiedDate`` (Partner Central's clock) and when
we learnt it (our server's clock). The review-latency chart, the partner's review figures and
the freshness line read these rows; the record's own ``pc_last_modified`` is the newest one
applied, so an older snapshot never overwrites a newer one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base, Id


class RecordReviewRow(Base):
    __tablename__ = "record_reviews"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    record_id: Mapped[int] = mapped_column(Id, ForeignKey("ace_records.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(BigInteger)
    """The record's partner, kept here so per-partner figures need no join."""
    pool: Mapped[str] = mapped_column(String(24))
    review_status: Mapped[str | None] = mapped_column(String(24))
    stage: Mapped[str | None] = mapped_column(String(32))
    closed_lost_reason: Mapped[str | None] = mapped_column(String(64))
    review_status_reason: Mapped[str | None] = mapped_column(String(255))
    review_comments: Mapped[str | None] = mapped_column(Text)
    modified_at: Mapped[datetime] = mapped_column(DateTime)
    """Partner Central's LastModifiedDate for this snapshot (naive UTC)."""
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    """When it was stored (the database server's clock)."""
    source: Mapped[str] = mapped_column(String(300))
    """"Partner Central (file name)" or the sync's own source."""

    __table_args__ = (
        Index("uq_record_reviews_record_id_modified_at", "record_id", "modified_at", unique=True),
        Index("ix_record_reviews_partner_id_recorded_at", "partner_id", "recorded_at"),
        Index(
            "ix_record_reviews_partner_id_record_id_modified_at",
            "partner_id",
            "record_id",
            "modified_at",
        ),
    )
