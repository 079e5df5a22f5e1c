"""The finance data tables as typed values, parsed from text (the service reads the shipped files).

Parsing is pure so that tests can feed edited tables; every row keeps its source note.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

InstrumentKind = Literal["grant", "loan", "equity"]
ANY = "*"


@dataclass(frozen=True)
class InstrumentTerms:
    """One row of the terms table: an instrument's rate, tenor and grace for an income group."""

    instrument: str
    income_group: str  # L, LM, UM, H, or "*" for any
    kind: InstrumentKind
    rate_pct: float
    tenor_years: int
    grace_years: int
    target_return_pct: float
    name_en: str
    name_ko: str
    source: str


@dataclass(frozen=True)
class DiscountRate:
    """A grant-element discount rate of one convention for an income group."""

    convention: str
    income_group: str
    rate_pct: float
    oda_threshold_pct: float
    source: str
    source_ko: str


@dataclass(frozen=True)
class FinanceTables:
    """Everything editable the finance core reads: terms, stack policy, discount rates, PD, LGD, fund."""

    terms: tuple[InstrumentTerms, ...]
    policy: Mapping[str, float | str]
    discount_rates: tuple[DiscountRate, ...]
    annual_pd: Mapping[int, float]
    lgd: Mapping[str, float]
    fund: Mapping[str, Any] = field(default_factory=dict)

    def terms_for(self, instrument: str, income_group: str | None) -> InstrumentTerms:
        """The row for this instrument and income group, else its '*' row (KeyError if neither)."""
        rows = [t for t in self.terms if t.instrument == instrument]
        for t in rows:
            if t.income_group == income_group:
                return t
        for t in rows:
            if t.income_group == ANY:
                return t
        raise KeyError(f"no terms for instrument {instrument!r} in instrument_terms.csv")

    def number(self, name: str) -> float:
        """A numeric stack-policy parameter (KeyError names the missing row)."""
        value = self.policy[name]
        if isinstance(value, str):
            raise KeyError(f"stack_policy.csv parameter {name!r} is not a number")
        return value

    def discount_rate(self, convention: str, income_group: str | None) -> DiscountRate:
        """The discount rate of a convention for an income group, else the convention's '*' row."""
        rows = [d for d in self.discount_rates if d.convention == convention]
        for d in rows:
            if d.income_group == income_group:
                return d
        for d in rows:
            if d.income_group == ANY:
                return d
        raise KeyError(f"no discount rate for convention {convention!r} in discount_rates.csv")


def _rows(text: str, name: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}")
    return list(reader)


def _num(row: dict[str, str], col: str, name: str, line: int) -> float:
    try:
        return float(row[col])
    except ValueError:
        raise ValueError(f"{name} row {line}: {col}={row[col]!r} is not a number") from None


def parse_terms(text: str) -> tuple[InstrumentTerms, ...]:
    """Parse instrument_terms.csv."""
    name = "instrument_terms.csv"
    cols = ("instrument", "income_group", "kind", "rate_pct", "tenor_years", "grace_years", "target_return_pct",
            "name_en", "name_ko", "source")
    out = []
    for i, r in enumerate(_rows(text, name, cols), start=2):
        kind = r["kind"]
        if kind not in ("grant", "loan", "equity"):
            raise ValueError(f"{name} row {i}: kind={kind!r} is not grant, loan or equity")
        tenor, grace = int(_num(r, "tenor_years", name, i)), int(_num(r, "grace_years", name, i))
        if kind == "loan" and not 0 <= grace < tenor:
            raise ValueError(f"{name} row {i}: grace_years must be in [0, tenor_years)")
        out.append(InstrumentTerms(r["instrument"], r["income_group"], kind,  # type: ignore[arg-type]
                                   _num(r, "rate_pct", name, i), tenor, grace, _num(r, "target_return_pct", name, i),
                                   r["name_en"], r["name_ko"], r["source"]))
    return tuple(out)


def parse_policy(text: str) -> dict[str, float | str]:
    """Parse stack_policy.csv (numbers where they parse, else text)."""
    out: dict[str, float | str] = {}
    for r in _rows(text, "stack_policy.csv", ("parameter", "value")):
        try:
            out[r["parameter"]] = float(r["value"])
        except ValueError:
            out[r["parameter"]] = r["value"]
    return out


def parse_discount_rates(text: str) -> tuple[DiscountRate, ...]:
    """Parse discount_rates.csv."""
    name = "discount_rates.csv"
    rows = _rows(text, name, ("convention", "income_group", "rate_pct", "oda_threshold_pct", "source", "source_ko"))
    return tuple(DiscountRate(r["convention"], r["income_group"], _num(r, "rate_pct", name, i),
                              _num(r, "oda_threshold_pct", name, i), r["source"], r["source_ko"])
                 for i, r in enumerate(rows, start=2))


def parse_risk_pd(text: str) -> dict[int, float]:
    """Parse risk_pd.csv: OECD category 0..7 → annual default probability."""
    name = "risk_pd.csv"
    out = {}
    for i, r in enumerate(_rows(text, name, ("oecd_risk", "annual_pd")), start=2):
        pd_ = _num(r, "annual_pd", name, i)
        if not 0.0 <= pd_ < 1.0:
            raise ValueError(f"{name} row {i}: annual_pd must be in [0, 1)")
        out[int(r["oecd_risk"])] = pd_
    if sorted(out) != list(range(8)):
        raise ValueError(f"{name}: needs one row for each OECD category 0..7")
    return out


def parse_lgd(text: str) -> dict[str, float]:
    """Parse lgd.csv: exposure class → loss given default."""
    name = "lgd.csv"
    out = {}
    for i, r in enumerate(_rows(text, name, ("exposure_class", "lgd")), start=2):
        v = _num(r, "lgd", name, i)
        if not 0.0 <= v <= 1.0:
            raise ValueError(f"{name} row {i}: lgd must be in [0, 1]")
        out[r["exposure_class"]] = v
    return out
