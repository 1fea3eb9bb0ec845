"""The change feed's table (migration 0008): written only by triggers, read by every app
that follows the others' work, pruned after ``RETENTION``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base, Id


class ChangeFeedRow(Base):
    __tablename__ = "change_feed"
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 (SQLAlchemy's own attribute)
    seq: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16))
    """inquiry, record or partner."""
    entity_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))
    """insert, update or delete."""
    kinds: Mapped[str] = mapped_column(String(120), default="")
    """The ``ChangeKind`` values the change amounts to, comma-separated (claims: none)."""
    inquiry_id: Mapped[int | None] = mapped_column(BigInteger)
    """The inquiry concerned (the row itself, or a record's inquiry)."""
    partner_id: Mapped[int | None] = mapped_column(BigInteger)
    """A partner whose row or load changed (the new holder of an inquiry)."""
    old_partner_id: Mapped[int | None] = mapped_column(BigInteger)
    """The partner an inquiry moved away from."""
    admin: Mapped[str] = mapped_column(String(120), default="")
    origin: Mapped[str] = mapped_column(String(40), default="")
    """The writing app instance (``Database.origin``), so an app can skip its own echo."""
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
