"""Readers for the per-country files: countries, income thresholds, indicators, Korea's presence, FX."""

from __future__ import annotations

from typing import cast, get_args

from kscity.model.country import Country, IncomeGroup, KoreaPresence, KotraSector
from kscity.reference._parse import Cell, Directory, read_csv, read_text, unique
from kscity.reference.records import CountryExtras, CountryIndicator, FxRate, IncomeThreshold

INCOME_GROUPS: tuple[str, ...] = get_args(IncomeGroup)
KOTRA_SECTORS: tuple[str, ...] = get_args(KotraSector)
PLAN_GROUPS = ("new_southern", "new_northern", "middle_east", "latin_america", "africa", "developed")
M49_REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
ISO3 = r"[A-Z]{3}"
YEAR_MONTH = r"\d{4}-(0[1-9]|1[0-2])"


# ---------------------------------------------------------------- countries

COUNTRY_COLUMNS = ("iso3", "iso2", "numeric", "name_en", "name_ko", "m49_region", "m49_subregion",
                   "m49_intermediate_region", "plan_group", "income_group", "oecd_risk", "oecd_status",
                   "high_income_oecd", "aliases")


def read_countries(directory: Directory) -> tuple[tuple[Country, ...], dict[str, CountryExtras]]:
    """Read countries.csv once into Country values and their extra columns."""
    name = "countries.csv"
    out: list[Country] = []
    extras: dict[str, CountryExtras] = {}
    seen: set[object] = set()
    for row in read_csv(read_text(directory, name), name, COUNTRY_COLUMNS):
        iso3 = row["iso3"].pattern(ISO3, "three capital letters (ISO 3166-1 alpha-3)")
        unique(seen, iso3, row["iso3"])
        group = row["plan_group"].choice(PLAN_GROUPS, required=False)
        income = row["income_group"].choice(INCOME_GROUPS, required=False)
        out.append(Country(
            iso3=iso3,
            iso2=row["iso2"].pattern(r"[A-Z]{2}", "two capital letters (ISO 3166-1 alpha-2)"),
            numeric=row["numeric"].pattern(r"\d{3}", "three digits (ISO 3166-1 numeric)"),
            name_en=row["name_en"].text(),
            name_ko=row["name_ko"].text(),
            m49_region=row["m49_region"].choice(M49_REGIONS, required=False),
            m49_subregion=row["m49_subregion"].text(required=False),
            plan_group=group or None,
            income_group=cast(IncomeGroup, income) if income else None,
            oecd_risk=row["oecd_risk"].optional_integer(low=0, high=7),
            oecd_status=row["oecd_status"].text(),
            high_income_oecd=row["high_income_oecd"].boolean(),
        ))
        aliases = tuple(a.strip() for a in row["aliases"].text(required=False).split(";") if a.strip())
        extras[iso3] = CountryExtras(iso3, row["m49_intermediate_region"].text(required=False), aliases)
    return tuple(out), extras


def load_countries(directory: Directory = None) -> tuple[Country, ...]:
    """Read countries.csv: every ISO 3166-1 country with income group, OECD risk and plan group."""
    return read_countries(directory)[0]


def load_country_extras(directory: Directory = None) -> dict[str, CountryExtras]:
    """Read the search aliases and M49 intermediate region of countries.csv, keyed by ISO3."""
    return read_countries(directory)[1]


def country_codes(directory: Directory) -> frozenset[str]:
    """The ISO3 codes of countries.csv in this directory."""
    return frozenset(c.iso3 for c in load_countries(directory))


def iso3_cell(cell: Cell, codes: frozenset[str]) -> str:
    """An ISO3 cell that must name a country of countries.csv."""
    value = cell.pattern(ISO3, "three capital letters (ISO 3166-1 alpha-3)")
    if value not in codes:
        raise cell.fail(f"expected a country of countries.csv, got {value!r}")
    return value


# ---------------------------------------------------------------- income thresholds, indicators

def load_income_thresholds(directory: Directory = None) -> tuple[IncomeThreshold, ...]:
    """Read income_thresholds.csv: the World Bank FY2026 GNI-per-capita bands."""
    name = "income_thresholds.csv"
    cols = ("classification_fy", "effective_from", "gni_reference_year", "income_group", "label_en",
            "gni_per_capita_min_usd", "gni_per_capita_max_usd")
    out: list[IncomeThreshold] = []
    seen: set[object] = set()
    for row in read_csv(read_text(directory, name), name, cols):
        fy = row["classification_fy"].pattern(r"FY\d{4}", "FYyyyy")
        group = row["income_group"].choice(INCOME_GROUPS)
        unique(seen, (fy, group), row["income_group"])
        out.append(IncomeThreshold(
            classification_fy=fy,
            effective_from=row["effective_from"].pattern(r"\d{4}-\d{2}-\d{2}", "a date YYYY-MM-DD"),
            gni_reference_year=row["gni_reference_year"].integer(low=1990, high=2100),
            income_group=group,
            label_en=row["label_en"].text(),
            gni_per_capita_min_usd=row["gni_per_capita_min_usd"].optional_integer(low=0),
            gni_per_capita_max_usd=row["gni_per_capita_max_usd"].optional_integer(low=0),
        ))
    return tuple(out)


def load_country_indicators(directory: Directory = None) -> tuple[CountryIndicator, ...]:
    """Read country_indicators.csv: latest WDI/ITU/JMP facts for the business-environment section."""
    name = "country_indicators.csv"
    cols = ("iso3", "indicator_code", "indicator_name", "year", "value", "source")
    codes = country_codes(directory)
    out: list[CountryIndicator] = []
    seen: set[object] = set()
    for row in read_csv(read_text(directory, name), name, cols):
        iso3 = iso3_cell(row["iso3"], codes)
        code = row["indicator_code"].pattern(r"[A-Z0-9]+(\.[A-Z0-9]+)+", "a WDI code like SP.POP.TOTL")
        unique(seen, (iso3, code), row["indicator_code"])
        out.append(CountryIndicator(
            iso3=iso3, indicator_code=code, indicator_name=row["indicator_name"].text(),
            year=row["year"].integer(low=1990, high=2100), value=row["value"].number(),
            source=row["source"].text(),
        ))
    return tuple(out)


# ---------------------------------------------------------------- Korea's presence

def read_presence(directory: Directory) -> list[tuple[KoreaPresence, str]]:
    """Read korea_presence.csv once into KoreaPresence values with their notes."""
    name = "korea_presence.csv"
    cols = ("iso3", "mou", "kotra_centre", "kind_centre", "training_focus", "oda_priority_2026_2030", "note")
    codes = country_codes(directory)
    out: list[tuple[KoreaPresence, str]] = []
    seen: set[object] = set()
    for row in read_csv(read_text(directory, name), name, cols):
        iso3 = iso3_cell(row["iso3"], codes)
        unique(seen, iso3, row["iso3"])
        sector = row["kotra_centre"].choice(KOTRA_SECTORS, required=False)
        presence = KoreaPresence(
            iso3=iso3,
            mou=row["mou"].pattern(YEAR_MONTH, "a month YYYY-MM", required=False) or None,
            kotra_centre=cast(KotraSector, sector) if sector else None,
            kind_centre=row["kind_centre"].boolean(),
            training_focus=row["training_focus"].boolean(),
            oda_priority=row["oda_priority_2026_2030"].boolean(),
        )
        out.append((presence, row["note"].text(required=False)))
    return out


def load_korea_presence(directory: Directory = None) -> tuple[KoreaPresence, ...]:
    """Read korea_presence.csv: MOUs, KOTRA and KIND centres, training and ODA priority per country."""
    return tuple(p for p, _ in read_presence(directory))


def load_presence_notes(directory: Directory = None) -> dict[str, str]:
    """Read the free-text notes of korea_presence.csv, keyed by ISO3 (empty notes left out)."""
    return {p.iso3: note for p, note in read_presence(directory) if note}


# ---------------------------------------------------------------- exchange rates

def load_fx_rates(directory: Directory = None) -> tuple[FxRate, ...]:
    """Read fx_rates.csv: annual-average exchange rates to USD, one row per currency and year."""
    name = "fx_rates.csv"
    out: list[FxRate] = []
    seen: set[object] = set()
    for row in read_csv(read_text(directory, name), name, ("currency", "year", "usd_per_unit", "units_per_usd",
                                                         "source")):
        currency = row["currency"].pattern(r"[A-Z]{3}", "an ISO 4217 code")
        year = row["year"].integer(low=1990, high=2100)
        unique(seen, (currency, year), row["year"])
        usd = row["usd_per_unit"].number(positive=True)
        units = row["units_per_usd"].number(positive=True)
        if abs(usd * units - 1) > 1e-4:
            raise row["usd_per_unit"].fail(f"expected the inverse of units_per_usd ({1 / units:.6g}), got {usd}")
        out.append(FxRate(currency, year, usd, units, row["source"].text()))
    return tuple(out)
