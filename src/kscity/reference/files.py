"""Pure reader for the shipped reference files: each file to plain typed values, every row checked.

No database, no network, no clock. Every loader takes an optional directory (default: this
package's own files via importlib.resources) so tests can point it at a copy with a bad row.
A bad cell raises ReferenceFileError naming the file, the line and the field. The per-file
readers live in country_files.py and plan_files.py; this module gathers them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kscity.model.country import Country, KoreaPresence, ReferenceCase
from kscity.reference._parse import Directory
from kscity.reference.country_files import (
    load_countries,
    load_country_extras,
    load_country_indicators,
    load_fx_rates,
    load_income_thresholds,
    load_korea_presence,
    load_presence_notes,
    read_countries,
    read_presence,
)
from kscity.reference.plan_files import (
    load_archetypes,
    load_case_details,
    load_instrument_settings,
    load_instruments,
    load_owners,
    load_reference_cases,
    load_strategies,
    load_tasks,
    load_taxonomy,
    read_cases,
)
from kscity.reference.records import (
    Archetype,
    CaseDetail,
    CountryExtras,
    CountryIndicator,
    FxRate,
    IncomeThreshold,
    Instrument,
    InstrumentSettings,
    Owner,
    Strategy,
    Task,
    TaxonomyService,
)

__all__ = [
    "Directory",
    "ReferenceData",
    "load_all",
    "load_archetypes",
    "load_case_details",
    "load_countries",
    "load_country_extras",
    "load_country_indicators",
    "load_fx_rates",
    "load_income_thresholds",
    "load_instrument_settings",
    "load_instruments",
    "load_korea_presence",
    "load_owners",
    "load_presence_notes",
    "load_reference_cases",
    "load_strategies",
    "load_tasks",
    "load_taxonomy",
]


@dataclass(frozen=True)
class ReferenceData:
    """All shipped reference data, read and checked."""

    countries: tuple[Country, ...]
    country_extras: Mapping[str, CountryExtras]
    income_thresholds: tuple[IncomeThreshold, ...]
    indicators: tuple[CountryIndicator, ...]
    presence: tuple[KoreaPresence, ...]
    presence_notes: Mapping[str, str]
    cases: tuple[ReferenceCase, ...]
    case_details: tuple[CaseDetail, ...]
    archetypes: tuple[Archetype, ...]
    instruments: tuple[Instrument, ...]
    instrument_settings: InstrumentSettings
    owners: tuple[Owner, ...]
    strategies: tuple[Strategy, ...]
    tasks: tuple[Task, ...]
    taxonomy: tuple[TaxonomyService, ...]
    fx_rates: tuple[FxRate, ...]

    def country(self, iso3: str) -> Country:
        """The country with this ISO3 code (KeyError when unknown)."""
        for c in self.countries:
            if c.iso3 == iso3:
                return c
        raise KeyError(iso3)

    def presence_for(self, iso3: str) -> KoreaPresence:
        """Korea's presence in a country (an empty record when the plan names none)."""
        for p in self.presence:
            if p.iso3 == iso3:
                return p
        return KoreaPresence(iso3=iso3)

    def instrument(self, instrument_id: str) -> Instrument:
        """The instrument with this id (KeyError when unknown)."""
        for i in self.instruments:
            if i.id == instrument_id:
                return i
        raise KeyError(instrument_id)


def load_all(directory: Directory = None) -> ReferenceData:
    """Read and check every shipped reference file into one ReferenceData."""
    countries, extras = read_countries(directory)
    presence = read_presence(directory)
    cases = read_cases(directory)
    return ReferenceData(
        countries=countries,
        country_extras=extras,
        income_thresholds=load_income_thresholds(directory),
        indicators=load_country_indicators(directory),
        presence=tuple(p for p, _ in presence),
        presence_notes={p.iso3: n for p, n in presence if n},
        cases=tuple(c for c, _ in cases),
        case_details=tuple(d for _, d in cases),
        archetypes=load_archetypes(directory),
        instruments=load_instruments(directory),
        instrument_settings=load_instrument_settings(directory),
        owners=load_owners(directory),
        strategies=load_strategies(directory),
        tasks=load_tasks(directory),
        taxonomy=load_taxonomy(directory),
        fx_rates=load_fx_rates(directory),
    )
