"""Queries on countries and their facts (reference aggregate)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kscity.store.tables.reference import (
    CountryFactRow,
    CountryRow,
    KoreaPresenceRow,
    ReferenceCaseCountryRow,
    ReferenceCaseRow,
)


def country(session: Session, iso3: str) -> CountryRow | None:
    """One country by ISO3 code."""
    return session.get(CountryRow, iso3.upper())


def all_countries(session: Session) -> Sequence[CountryRow]:
    """Every country, by English name."""
    return session.scalars(select(CountryRow).order_by(CountryRow.name_en)).all()


def presence(session: Session, iso3: str) -> KoreaPresenceRow | None:
    """Korean presence in a country, if any."""
    return session.get(KoreaPresenceRow, iso3)


def all_presence(session: Session) -> dict[str, KoreaPresenceRow]:
    """Korean presence by ISO3."""
    return {p.iso3: p for p in session.scalars(select(KoreaPresenceRow))}


def facts(session: Session, iso3: str) -> Sequence[CountryFactRow]:
    """The latest value of each indicator for a country."""
    rows = session.scalars(
        select(CountryFactRow).where(CountryFactRow.iso3 == iso3).order_by(CountryFactRow.indicator,
                                                                          CountryFactRow.year.desc())
    ).all()
    latest: dict[str, CountryFactRow] = {}
    for r in rows:
        latest.setdefault(r.indicator, r)
    return list(latest.values())


def cases_for(session: Session, iso3: str) -> Sequence[ReferenceCaseRow]:
    """Reference cases touching a country."""
    return session.scalars(
        select(ReferenceCaseRow)
        .join(ReferenceCaseCountryRow, ReferenceCaseCountryRow.case_key == ReferenceCaseRow.key)
        .where(ReferenceCaseCountryRow.iso3 == iso3)
        .order_by(ReferenceCaseRow.key)
    ).all()


def case_countries(session: Session) -> dict[str, list[str]]:
    """ISO3 codes per reference case."""
    out: dict[str, list[str]] = {}
    for row in session.scalars(select(ReferenceCaseCountryRow)):
        out.setdefault(row.case_key, []).append(row.iso3)
    return out


def count_countries(session: Session) -> int:
    """How many countries are loaded."""
    return int(session.scalar(select(func.count()).select_from(CountryRow)) or 0)
