"""Small frozen value types for the reference files that kscity.model does not already cover."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

TaskStatus = Literal["planned", "in_progress", "done", "delayed"]
TASK_STATUSES: tuple[TaskStatus, ...] = ("planned", "in_progress", "done", "delayed")


@dataclass(frozen=True)
class CountryExtras:
    """Columns of countries.csv that the shared Country type does not hold."""

    iso3: str
    m49_intermediate_region: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class IncomeThreshold:
    """One World Bank income-group band (GNI per capita, Atlas method, current USD)."""

    classification_fy: str
    effective_from: str
    gni_reference_year: int
    income_group: str
    label_en: str
    gni_per_capita_min_usd: int | None
    gni_per_capita_max_usd: int | None


@dataclass(frozen=True)
class CountryIndicator:
    """One development-indicator fact for a country (latest year in the source)."""

    iso3: str
    indicator_code: str
    indicator_name: str
    year: int
    value: float
    source: str


@dataclass(frozen=True)
class CaseFigure:
    """A number or date the plan gives for a reference case."""

    key: str
    unit: str
    value: float | None = None
    date: str | None = None


@dataclass(frozen=True)
class CaseDetail:
    """The parts of a reference case beyond kscity.model.country.ReferenceCase."""

    key: str
    services: tuple[str, ...] = ()
    sub_solutions: tuple[str, ...] = ()
    services_basis: str = "none"
    country_count: int | None = None
    figures: tuple[CaseFigure, ...] = ()


@dataclass(frozen=True)
class ArchetypeExample:
    """A named example of an archetype, optionally linked to a reference case."""

    name_ko: str
    name_en: str
    iso3: str
    case: str | None = None


@dataclass(frozen=True)
class Archetype:
    """One of the plan's four target archetypes (진출대상 유형)."""

    id: str
    ko: str
    en: str
    meaning_ko: str
    meaning_en: str
    examples: tuple[ArchetypeExample, ...]
    lead_services: tuple[str, ...]
    lead_services_basis: str


@dataclass(frozen=True)
class Instrument:
    """A finance instrument of the plan with its rules in words and its numeric parameters."""

    id: str
    name_ko: str
    name_en: str
    provider_ko: str
    provider_en: str
    kind: str
    rules_ko: tuple[str, ...]
    rules_en: tuple[str, ...]
    params: Mapping[str, float] = field(default_factory=dict)
    flags: Mapping[str, bool] = field(default_factory=dict)
    eligible_income_groups: tuple[str, ...] = ()
    loss_order: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstrumentSettings:
    """Thresholds the finance rules share (OECD country-risk categories)."""

    ultra_high_risk_min_category: int
    pis_high_risk_categories: tuple[int, ...]


@dataclass(frozen=True)
class Owner:
    """A ministry or agency that owns plan tasks."""

    code: str
    ko: str
    en: str


@dataclass(frozen=True)
class Strategy:
    """One of the plan's four strategies."""

    id: int
    ko: str
    en: str


@dataclass(frozen=True)
class Task:
    """One of the plan's 25 tasks with its due half-year and owners."""

    number: int
    strategy: int
    title_ko: str
    title_en: str
    due: str | None
    ongoing: bool
    owners: tuple[str, ...]
    status: TaskStatus = "planned"
    instrument: str | None = None


@dataclass(frozen=True)
class TaxonomySub:
    """A sub-solution under one of the seven services."""

    id: str
    ko: str
    en: str


@dataclass(frozen=True)
class TaxonomyService:
    """One of the plan's seven core smart-city services."""

    id: str
    ko: str
    en: str
    subs: tuple[TaxonomySub, ...]


@dataclass(frozen=True)
class FxRate:
    """An annual-average exchange rate to USD for one currency and year."""

    currency: str
    year: int
    usd_per_unit: float
    units_per_usd: float
    source: str
