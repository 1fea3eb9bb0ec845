"""Soft claims on inquiries (migration 0009): who is triaging which inquiry right now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cloudroute_desk.db.base import Base, Id


class InquiryClaimRow(Base):
    __tablename__ = "inquiry_claims"
    inquiry_id: Mapped[int] = mapped_column(
        Id, ForeignKey("inquiries.id", ondelete="CASCADE"), primary_key=True
    )
    admin: Mapped[str] = mapped_column(String(120))
    origin: Mapped[str] = mapped_column(String(40), index=True)
    """The claiming app instance (``Database.origin``): one admin may run two windows."""
    since: Mapped[datetime]
    seen_at: Mapped[datetime]
    """Renewed while its holder's window is active; older than the lapse means gone."""
