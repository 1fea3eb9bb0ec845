"""Partner Central sync cursors (migration 0012): where each catalog's sync resumes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base


class SyncCursorRow(Base):
    __tablename__ = "partner_central_sync_cursors"
    catalog: Mapped[str] = mapped_column(String(16), primary_key=True)
    endpoint: Mapped[str] = mapped_column(String(300), primary_key=True)
    """The endpoint URL synced from; empty for Partner Central itself."""
    modified_through: Mapped[datetime | None]
    """Partner Central's clock (naive UTC): every opportunity last modified at or before this
    has been applied. None: nothing yet."""
    run_state: Mapped[str] = mapped_column(String(16))
    """``running``, ``complete``, ``cancelled`` or ``failed``: how the last run ended."""
    pages: Mapped[int]
    """Pages applied by the last run."""
    opportunities: Mapped[int]
    """Opportunity summaries applied by the last run."""
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(120))
