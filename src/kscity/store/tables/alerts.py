"""Alert tables: saved-search profiles (alert_profile) and what each has already delivered (alert_delivery)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kscity.store.tables.base import Base


class AlertProfileRow(Base):
    """A saved search of a firm (or of an officer): criteria, language, e-mail and when it last ran."""

    __tablename__ = "alert_profile"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    firm_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="en")
    services: Mapped[list[Any]] = mapped_column(default=list)
    countries: Mapped[list[Any]] = mapped_column(default=list)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    codes: Mapped[list[Any]] = mapped_column(default=list)
    min_value_usd: Mapped[float | None] = mapped_column(Float)
    email: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column()
    last_run_at: Mapped[datetime | None] = mapped_column()


class AlertDeliveryRow(Base):
    """One opportunity delivered to one profile (so the next run reports only what is new)."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("profile_id", "ocid", name="uq_alert_delivery_profile_ocid"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("alert_profile.id", ondelete="CASCADE"), index=True)
    ocid: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(Text, default="")
    reasons_en: Mapped[list[Any]] = mapped_column(default=list)
    reasons_ko: Mapped[list[Any]] = mapped_column(default=list)
    delivered_at: Mapped[datetime] = mapped_column(index=True)
    emailed: Mapped[bool] = mapped_column(default=False)
