"""Catalogue tables: company, solution, deployment, export_record, capability."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kscity.store.tables.base import Base


class CompanyRow(Base):
    """A firm or public corporation in the alliance catalogue, keyed by its registration number."""

    __tablename__ = "company"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    brn: Mapped[str] = mapped_column(String(12), unique=True)
    name_ko: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    size: Mapped[str] = mapped_column(String(10), index=True)
    public_corporation: Mapped[bool] = mapped_column(Boolean, default=False)
    member_since: Mapped[int | None] = mapped_column(Integer)
    headquarters: Mapped[str] = mapped_column(String(300), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    sample: Mapped[bool] = mapped_column(Boolean, default=False)
    # Lower-cased names for substring search (works the same on SQLite and PostgreSQL).
    search_text: Mapped[str] = mapped_column(Text, default="")
    solutions: Mapped[list[SolutionRow]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="SolutionRow.id")
    exports: Mapped[list[ExportRecordRow]] = relationship(cascade="all, delete-orphan",
                                                          order_by="ExportRecordRow.id")
    capabilities: Mapped[list[CapabilityRow]] = relationship(cascade="all, delete-orphan",
                                                             order_by="CapabilityRow.position")


class SolutionRow(Base):
    """A solution a company offers, placed in the taxonomy."""

    __tablename__ = "solution"
    __table_args__ = (UniqueConstraint("company_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    name_ko: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    service: Mapped[str] = mapped_column(String(40), index=True)
    sub_solution: Mapped[str | None] = mapped_column(String(60), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="software")
    trl: Mapped[int] = mapped_column(Integer, default=9)
    description_ko: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    standards: Mapped[list[Any]] = mapped_column(default=list)
    codes: Mapped[list[Any]] = mapped_column(default=list)
    search_text: Mapped[str] = mapped_column(Text, default="")
    company: Mapped[CompanyRow] = relationship(back_populates="solutions")
    deployments: Mapped[list[DeploymentRow]] = relationship(cascade="all, delete-orphan",
                                                            order_by="DeploymentRow.id")


class DeploymentRow(Base):
    """A reference deployment of a solution (city, country, year, client, value)."""

    __tablename__ = "deployment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    solution_id: Mapped[int] = mapped_column(ForeignKey("solution.id", ondelete="CASCADE"), index=True)
    city: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(3), index=True)
    year: Mapped[int] = mapped_column(Integer)
    client: Mapped[str] = mapped_column(String(300), default="")
    value_usd: Mapped[float | None] = mapped_column(Float)


class ExportRecordRow(Base):
    """One year's exports of a company to one country."""

    __tablename__ = "export_record"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(3), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value_usd: Mapped[float] = mapped_column(Float)
    product: Mapped[str] = mapped_column(String(300), default="")


class CapabilityRow(Base):
    """A service (and optionally a sub-solution) a company can deliver; '' means the whole service."""

    __tablename__ = "capability"
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    sub_solution: Mapped[str] = mapped_column(String(60), primary_key=True, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
