"""Countries and the facts kscity keeps about them (income, risk, Korean presence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

IncomeGroup = Literal["L", "LM", "UM", "H"]
KotraSector = Literal["smart_infrastructure", "welfare_services", "disaster_safety"]


@dataclass(frozen=True)
class Country:
    """One ISO 3166-1 country with the reference facts the rules read."""

    iso3: str
    iso2: str
    numeric: str
    name_en: str
    name_ko: str
    m49_region: str = ""
    m49_subregion: str = ""
    plan_group: str | None = None  # new_southern, new_northern, middle_east, latin_america, africa, developed
    income_group: IncomeGroup | None = None  # World Bank FY2026; None when not classified
    oecd_risk: int | None = None  # 0..7; None = not classified (not the same as 0)
    oecd_status: str = ""  # "classified" or the OECD's reason for not classifying
    high_income_oecd: bool = False


@dataclass(frozen=True)
class KoreaPresence:
    """What Korea already has in a country, from the plan (MOU, KOTRA, KIND, training)."""

    iso3: str
    mou: str | None = None  # "YYYY-MM"
    kotra_centre: KotraSector | None = None
    kind_centre: bool = False
    training_focus: bool = False
    oda_priority: bool = False


@dataclass(frozen=True)
class ReferenceCase:
    """A Korean smart-city reference project named in the plan."""

    key: str
    name_en: str
    name_ko: str
    countries: tuple[str, ...]
    summary_en: str
    summary_ko: str
    value_krw_eok: float | None = None
    status_en: str = ""
    status_ko: str = ""
    archetype: str | None = None


@dataclass(frozen=True)
class CountryFacts:
    """Everything the eligibility rules and the profile need about one country."""

    country: Country
    presence: KoreaPresence
    cases: tuple[ReferenceCase, ...] = field(default_factory=tuple)
