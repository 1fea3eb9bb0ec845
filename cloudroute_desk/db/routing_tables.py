"""The routing index: per partner and axis value, the trailing-12-month ACE counts.

``routing_index`` is derived, never typed in: ``db/routing_queries.py`` recomputes a partner's
rows from its ACE records. Triggers (migration 0003) append the partner to
``routing_index_dirty`` whenever one of its records, or an inquiry axis of one of its records,
changes, whoever the writer is; the next ranking refreshes only those partners. The window
(``routing_index_state.window_end``) moves once a day, which rebuilds the whole index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base, Id
from cloudroute_desk.db.tables import AssignmentRow


class RoutingIndexRow(Base):
    __tablename__ = "routing_index"
    partner_id: Mapped[int] = mapped_column(
        Id, ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True
    )
    axis: Mapped[str] = mapped_column(String(24), primary_key=True)
    value: Mapped[str] = mapped_column(String(40), primary_key=True)
    decided: Mapped[int] = mapped_column(Integer)
    approved: Mapped[float] = mapped_column(Float)
    """Approvals with a downgrade counting DOWNGRADE_WEIGHT."""
    approvals: Mapped[int] = mapped_column(Integer)
    downgraded: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    award_sum: Mapped[int] = mapped_column(BigInteger)
    """Sum of amounts awarded on full approvals (USD)."""
    award_n: Mapped[int] = mapped_column(Integer)
    median_days: Mapped[float | None] = mapped_column(Float)
    days_n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_routing_index_axis_value", "axis", "value"),)


class RoutingIndexDirtyRow(Base):
    """Partners whose index rows are out of date (filled by triggers, emptied by refresh)."""

    __tablename__ = "routing_index_dirty"
    partner_id: Mapped[int] = mapped_column(Id, primary_key=True)


class RoutingIndexStateRow(Base):
    """One row: the window the index was computed for."""

    __tablename__ = "routing_index_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_end: Mapped[datetime] = mapped_column(DateTime)
    """Records decided before this midnight, and within ROUTING_WINDOW_DAYS of it, count."""
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)


# The capacity gate counts each partner's active assignments.
Index(
    "ix_assignments_partner_active",
    AssignmentRow.partner_id,
    sqlite_where=text("active"),
    postgresql_where=text("active"),
)
