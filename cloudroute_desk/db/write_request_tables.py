"""Write requests (migration 0010): which request ids were applied, and what they changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base


class WriteRequestRow(Base):
    __tablename__ = "write_requests"
    request_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    """The id the app chose before sending the write; unique, so a replay cannot apply."""
    part_of: Mapped[str | None] = mapped_column(String(64), index=True)
    """The request a batch item belongs to (its own id is ``<request>#<inquiry id>``)."""
    admin: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    """The use-case's name: ``assign``, ``save_form``, ..."""
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    """The server's clock in the write's transaction."""
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The ``Changes`` the write returned: kinds and the ids of its inquiries, records and
    partners (``"*"`` for all of a table)."""
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    """A few values the caller needs besides ``changes`` (a saved record's new version)."""
