"""Consortium drafts: a team proposed for an opportunity, saved with the needs, constraints and notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kscity.store.tables.base import Base


class ConsortiumDraftRow(Base):
    """A saved consortium: members with roles, its score and status, and the officer's notes."""

    __tablename__ = "consortium_draft"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ocid: Mapped[str] = mapped_column(String(300), index=True)
    title: Mapped[str] = mapped_column(Text, default="")  # the opportunity's title when saved
    name: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[list[Any]] = mapped_column(default=list)
    constraints: Mapped[dict[str, Any]] = mapped_column(default=dict)
    members: Mapped[list[Any]] = mapped_column(default=list)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    status: Mapped[str] = mapped_column(String(10), default="optimal")
    gap: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column()
