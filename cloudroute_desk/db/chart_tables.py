"""Chart projections: narrow copies of ACE records and inquiries, kept current by triggers.

The charts group a million records by state, pool, month and time bins under filters on the
inquiry's region, vertical and arrival date. On ``ace_records`` itself that means a join per
record and a sort per query (wide rows with JSON forms, months computed per row), well over
the 250 ms budget. These tables hold only what the charts read, with the month and the
0.1-day / 0.1-hour bins stored, and covering indexes whose order matches each chart's GROUP BY,
so SQL aggregates by walking one index. Triggers written in migration 0005 keep them in step
with every writer (editor, importer, demo generator) without any of them knowing they exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base, Id

DAYS_BIN_PER_DAY = 10
"""``days_bin`` = floor(days_to_credit * 10): 0.1-day (2.4 h) bins."""

HOURS_BIN_PER_HOUR = 10
"""``hours_bin`` = ceil(hours to assignment * 10) - 1: 6-minute bins closed on the right, so
bins below 240 hold exactly the inquiries assigned within the 24-hour SLA."""


class ChartRecordFactRow(Base):
    __tablename__ = "chart_record_facts"
    record_id: Mapped[int] = mapped_column(
        Id, ForeignKey("ace_records.id", ondelete="CASCADE"), primary_key=True
    )
    inquiry_id: Mapped[int] = mapped_column(Id, index=True)
    partner_id: Mapped[int] = mapped_column(Id)
    pool: Mapped[str] = mapped_column(String(24))
    awarded_pool: Mapped[str | None] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(16))
    vertical: Mapped[str] = mapped_column(String(32))
    arrived_at: Mapped[datetime] = mapped_column(DateTime)
    requested_usd: Mapped[int] = mapped_column(Integer)
    awarded_usd: Mapped[int] = mapped_column(Integer)
    submit_month: Mapped[str | None] = mapped_column(String(7))
    arrive_month: Mapped[str] = mapped_column(String(7))
    days_to_credit: Mapped[float | None] = mapped_column(Float)
    days_bin: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index(
            "ix_crf_pipeline",
            "state",
            "pool",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            "requested_usd",
            "awarded_usd",
        ),
        Index(
            "ix_crf_days",
            "pool",
            "submit_month",
            "days_bin",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            sqlite_where=text("days_bin IS NOT NULL"),
            postgresql_where=text("days_bin IS NOT NULL"),
        ),
        Index(
            # Migration 0013 (was ix_crf_days_exact on the first three columns): the exact
            # percentile's seek inside one bin, with every filter read off the index.
            "ix_crf_days_rank",
            "pool",
            "days_bin",
            "days_to_credit",
            "arrived_at",
            "region",
            "vertical",
            "partner_id",
            sqlite_where=text("days_bin IS NOT NULL"),
            postgresql_where=text("days_bin IS NOT NULL"),
        ),
        Index(
            "ix_crf_cohort",
            "arrive_month",
            "state",
            "awarded_pool",
            "pool",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
        ),
        Index("ix_crf_partner", "partner_id", "arrive_month", "state"),
        # Migration 0013: the partial months at the ends of a date filter (one month each,
        # grouped in index order), and the days chart under a partner, region or vertical filter.
        Index(
            "ix_crf_month_pipeline",
            "arrive_month",
            "state",
            "pool",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            "requested_usd",
            "awarded_usd",
        ),
        Index(
            "ix_crf_days_month",
            "arrive_month",
            "pool",
            "submit_month",
            "days_bin",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            sqlite_where=text("days_bin IS NOT NULL"),
            postgresql_where=text("days_bin IS NOT NULL"),
        ),
        Index(
            "ix_crf_days_region",
            "region",
            "pool",
            "submit_month",
            "days_bin",
            "vertical",
            "arrived_at",
            "partner_id",
            sqlite_where=text("days_bin IS NOT NULL"),
            postgresql_where=text("days_bin IS NOT NULL"),
        ),
        Index(
            "ix_crf_days_partner",
            "partner_id",
            "pool",
            "submit_month",
            "days_bin",
            "region",
            "vertical",
            "arrived_at",
            sqlite_where=text("days_bin IS NOT NULL"),
            postgresql_where=text("days_bin IS NOT NULL"),
        ),
        Index(
            "ix_crf_days_vertical",
            "vertical",
            "pool",
            "submit_month",
            "days_bin",
            "region",
            "arrived_at",
            "partner_id",
            sqlite_where=text("days_bin IS NOT NULL"),
            postgresql_where=text("days_bin IS NOT NULL"),
        ),
    )


class ChartInquiryFactRow(Base):
    __tablename__ = "chart_inquiry_facts"
    inquiry_id: Mapped[int] = mapped_column(
        Id, ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True
    )
    partner_id: Mapped[int | None] = mapped_column(Id)
    region: Mapped[str] = mapped_column(String(16))
    vertical: Mapped[str] = mapped_column(String(32))
    arrived_at: Mapped[datetime] = mapped_column(DateTime)
    arrive_month: Mapped[str] = mapped_column(String(7))
    hours_to_assign: Mapped[float | None] = mapped_column(Float)
    hours_bin: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index(
            "ix_cif_routing",
            "arrive_month",
            "hours_bin",
            "region",
            "vertical",
            "arrived_at",
            "partner_id",
            "hours_to_assign",
        ),
        Index("ix_cif_partner", "partner_id", "arrive_month"),
        # Migration 0013: the region and vertical filters.
        Index(
            "ix_cif_region",
            "region",
            "arrive_month",
            "hours_bin",
            "vertical",
            "arrived_at",
            "partner_id",
        ),
        Index(
            "ix_cif_vertical",
            "vertical",
            "arrive_month",
            "hours_bin",
            "region",
            "arrived_at",
            "partner_id",
        ),
    )


# --- monthly aggregates (migration 0013) ---------------------------------------------------
#
# Unfiltered, a chart would still walk a million projection rows. These tables hold the same
# counts summed per month of arrival and per chart key: tens of thousands of rows. Triggers on
# the projections append one row per change (+1 for the new values, -1 for the old ones), so
# concurrent writers never wait on a shared counter row; readers SUM per key, and
# ``db/chart_months.compact`` folds the appended rows together now and then.


class ChartRecordMonthRow(Base):
    """Records per (month of arrival, region, vertical, pool, state, awarded pool)."""

    __tablename__ = "chart_record_months"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    arrive_month: Mapped[str] = mapped_column(String(7))
    region: Mapped[str] = mapped_column(String(16))
    vertical: Mapped[str] = mapped_column(String(32))
    pool: Mapped[str] = mapped_column(String(24))
    state: Mapped[str] = mapped_column(String(16))
    awarded_pool: Mapped[str | None] = mapped_column(String(24))
    records: Mapped[int] = mapped_column(Integer)
    requested_usd: Mapped[int] = mapped_column(BigInteger)
    awarded_usd: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        Index(
            "ix_crm_pipeline",
            "state",
            "pool",
            "region",
            "vertical",
            "arrive_month",
            "records",
            "requested_usd",
            "awarded_usd",
        ),
        Index(
            "ix_crm_cohort",
            "arrive_month",
            "state",
            "awarded_pool",
            "pool",
            "region",
            "vertical",
            "records",
        ),
    )


class ChartDaysMonthRow(Base):
    """Credited records per (month of arrival, pool, month submitted, 0.1-day bin)."""

    __tablename__ = "chart_days_months"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    arrive_month: Mapped[str] = mapped_column(String(7))
    pool: Mapped[str] = mapped_column(String(24))
    submit_month: Mapped[str | None] = mapped_column(String(7))
    days_bin: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_cdm_days", "pool", "submit_month", "days_bin", "arrive_month", "records"),
    )


class ChartRoutingMonthRow(Base):
    """Inquiries per (month of arrival, 0.1-hour bin to assignment; NULL = not assigned)."""

    __tablename__ = "chart_routing_months"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    arrive_month: Mapped[str] = mapped_column(String(7))
    hours_bin: Mapped[int | None] = mapped_column(Integer)
    inquiries: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_cdr_routing", "arrive_month", "hours_bin", "inquiries"),)
