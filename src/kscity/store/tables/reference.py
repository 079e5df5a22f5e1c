"""Reference tables: countries and their facts, Korean presence, instruments, cases, taxonomy, tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kscity.store.tables.base import Base


class CountryRow(Base):
    """One ISO 3166-1 country with income group, OECD risk and the plan's regional group."""

    __tablename__ = "country"
    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    m49_region: Mapped[str] = mapped_column(String(80), default="")
    m49_subregion: Mapped[str] = mapped_column(String(80), default="")
    plan_group: Mapped[str | None] = mapped_column(String(40))
    income_group: Mapped[str | None] = mapped_column(String(2))
    oecd_risk: Mapped[int | None] = mapped_column(Integer)
    oecd_status: Mapped[str] = mapped_column(String(200), default="")
    high_income_oecd: Mapped[bool] = mapped_column(Boolean, default=False)
    aliases: Mapped[str] = mapped_column(Text, default="")


class CountryFactRow(Base):
    """A dated fact about a country (an indicator value) with its source."""

    __tablename__ = "country_fact"
    __table_args__ = (UniqueConstraint("iso3", "indicator", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    iso3: Mapped[str] = mapped_column(ForeignKey("country.iso3"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")


class KoreaPresenceRow(Base):
    """What Korea has in a country: MOU, KOTRA smart-city centre and sector, KIND centre, training."""

    __tablename__ = "korea_presence"
    iso3: Mapped[str] = mapped_column(ForeignKey("country.iso3"), primary_key=True)
    mou: Mapped[str | None] = mapped_column(String(7))
    kotra_centre: Mapped[str | None] = mapped_column(String(40))
    kind_centre: Mapped[bool] = mapped_column(Boolean, default=False)
    training_focus: Mapped[bool] = mapped_column(Boolean, default=False)
    oda_priority: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class InstrumentRow(Base):
    """A support instrument (EDCF, EDPF, PIS fund ...) with its rules in words and its parameters."""

    __tablename__ = "instrument"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReferenceCaseRow(Base):
    """A Korean reference project named in the plan."""

    __tablename__ = "reference_case"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_ko: Mapped[str] = mapped_column(String(200))
    archetype: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ReferenceCaseCountryRow(Base):
    """Which countries a reference case touches."""

    __tablename__ = "reference_case_country"
    case_key: Mapped[str] = mapped_column(ForeignKey("reference_case.key", ondelete="CASCADE"), primary_key=True)
    iso3: Mapped[str] = mapped_column(ForeignKey("country.iso3"), primary_key=True)


class ServiceRow(Base):
    """One of the plan's seven core services."""

    __tablename__ = "service"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)


class SubSolutionRow(Base):
    """A sub-solution within a service."""

    __tablename__ = "sub_solution"
    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("service.id"), index=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)


class ArchetypeRow(Base):
    """A target city archetype of the Korean model."""

    __tablename__ = "archetype"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class PlanTaskRow(Base):
    """One of the plan's 25 tasks, with a status that officers update."""

    __tablename__ = "plan_task"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    strategy: Mapped[int] = mapped_column(Integer)
    title_ko: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    due: Mapped[str] = mapped_column(String(20))
    owners: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime | None] = mapped_column()


class FxRateRow(Base):
    """A dated exchange rate to USD (annual average)."""

    __tablename__ = "fx_rate"
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    usd_per_unit: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300), default="")


class ReferenceLoadRow(Base):
    """Which shipped file was loaded, with its digest, so a second load changes nothing."""

    __tablename__ = "reference_load"
    file: Mapped[str] = mapped_column(String(100), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column()
