"""Synthetic catalogue with the plan's mix (digest §1), for scale tests, benchmarks and the demo.

The plan reports 675 firms of which 338 (50.1 %) export; an average of about 30억원 a year per
exporter; the top 11 firms (≥100억원/yr) carry 76 % of exports; 165 exporters (49 %) sell under
6억원/yr; main markets USA 31 %, China 20 %, Hong Kong 19 %, New-Southern countries 13 %.
Randomness comes only from the `numpy.random.Generator` passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from kscity.core.catalogue.brn import make_brn
from kscity.model.catalogue import Company, Deployment, ExportRecord, SizeClass, Solution, SolutionKind

EOK_KRW = 100_000_000  # 1억원
KRW_PER_USD_2018 = 1100.16  # World Bank annual average 2018 (reference/fx_rates.csv)
EXPORTING_SHARE = 338 / 675
TOP_SHARE_OF_FIRMS = 11 / 338
TOP_SHARE_OF_EXPORTS = 0.76
SMALL_SHARE_OF_FIRMS = 165 / 338
SMALL_LIMIT_EOK = 6.0
TOP_FLOOR_EOK = 100.0
# Mid-tier exporters: between 6억 and 100억, skewed low so that the average exporter sells ~30억.
_MID_BETA = 13.2

# Destination weights: the plan's shares, New-Southern split over SG/VN/TH/IN, Japan from USD 1.2억
# of 17.1억, and the rest spread over markets named elsewhere in the plan.
MARKETS: tuple[tuple[str, float], ...] = (
    ("USA", 0.31), ("CHN", 0.20), ("HKG", 0.19), ("SGP", 0.04), ("VNM", 0.04), ("THA", 0.025),
    ("IND", 0.025), ("JPN", 0.07), ("KWT", 0.01), ("COL", 0.01), ("GRC", 0.01), ("MYS", 0.01),
    ("IDN", 0.01), ("PHL", 0.01), ("IRQ", 0.005), ("PER", 0.005), ("UZB", 0.005), ("KEN", 0.005),
    ("ARE", 0.005), ("OMN", 0.005),
)
CITIES: Mapping[str, tuple[str, ...]] = {
    "USA": ("Baltimore", "Denver"), "CHN": ("Tianjin", "Shenzhen"), "HKG": ("Hong Kong",),
    "SGP": ("Singapore",), "VNM": ("Hanoi", "Da Nang"), "THA": ("Bangkok",), "IND": ("Mumbai", "Pune"),
    "JPN": ("Osaka",), "KWT": ("Kuwait City",), "COL": ("Bogotá",), "GRC": ("Athens",), "MYS": ("Kota Kinabalu",),
    "IDN": ("Jakarta",), "PHL": ("Clark",), "IRQ": ("Baghdad",), "PER": ("Lima",), "UZB": ("Tashkent",),
    "KEN": ("Nairobi",), "ARE": ("Dubai",), "OMN": ("Muscat",),
}
SIZE_MIX: tuple[tuple[SizeClass, float], ...] = (
    ("public", 0.01), ("large", 0.05), ("middle", 0.12), ("sme", 0.57), ("startup", 0.25))
# Four groups make 74 % of exports (electric/electronic, energy, living/welfare, transport): weight them up.
SERVICE_WEIGHTS: Mapping[str, float] = {
    "energy": 0.22, "transport": 0.2, "safety": 0.16, "data": 0.14, "eco": 0.12, "healthcare": 0.08,
    "administration": 0.08}
_KINDS: tuple[SolutionKind, ...] = ("hardware", "software", "service", "platform")


def exporter_split(n_exporters: int) -> tuple[int, int, int]:
    """How many exporters fall in the top (≥100억), small (<6억) and middle tiers."""
    if n_exporters <= 0:
        return 0, 0, 0
    top = max(1, round(n_exporters * TOP_SHARE_OF_FIRMS))
    small = min(n_exporters - top, round(n_exporters * SMALL_SHARE_OF_FIRMS))
    return top, small, n_exporters - top - small


def annual_exports_eok(n_exporters: int, rng: np.random.Generator) -> np.ndarray:
    """Yearly exports (억원) of each exporter, largest first, following the plan's concentration."""
    top, small, mid = exporter_split(n_exporters)
    small_v = rng.uniform(0.2, SMALL_LIMIT_EOK, small) * 0.999
    mid_v = SMALL_LIMIT_EOK + (TOP_FLOOR_EOK - SMALL_LIMIT_EOK) * rng.beta(1.0, _MID_BETA, mid)
    rest = float(small_v.sum() + mid_v.sum())
    top_total = max(rest * TOP_SHARE_OF_EXPORTS / (1 - TOP_SHARE_OF_EXPORTS), TOP_FLOOR_EOK * top)
    weights = rng.dirichlet(np.full(top, 2.0)) if top else np.zeros(0)
    top_v = TOP_FLOOR_EOK + weights * (top_total - TOP_FLOOR_EOK * top)
    return np.sort(np.concatenate([top_v, mid_v, small_v]))[::-1]


def _subs(taxonomy: Mapping[str, Any]) -> dict[str, list[Mapping[str, str]]]:
    return {svc["id"]: list(svc.get("subs", [])) for svc in taxonomy["services"]}


def split_exports(total_usd: float, year: int, product: str, rng: np.random.Generator) -> tuple[ExportRecord, ...]:
    """One year's exports spread over one to four markets drawn with the plan's destination weights."""
    codes = [c for c, _ in MARKETS]
    p = np.array([w for _, w in MARKETS])
    k = int(rng.integers(1, 5))
    picked = rng.choice(len(codes), size=k, replace=False, p=p / p.sum())
    shares = rng.dirichlet(np.ones(k))
    return tuple(ExportRecord(codes[i], year, round(float(total_usd * s), 2), product)
                 for i, s in zip(picked, shares, strict=True))


def generate_catalogue(n_firms: int, rng: np.random.Generator, taxonomy: Mapping[str, Any], *,
                       solutions_per_firm: int = 3, year: int = 2018,
                       krw_per_usd: float = KRW_PER_USD_2018) -> list[Company]:
    """`n_firms` synthetic firms (marked sample) with the plan's size, service and export mix."""
    subs = _subs(taxonomy)
    services = [s for s in SERVICE_WEIGHTS if s in subs]
    sw = np.array([SERVICE_WEIGHTS[s] for s in services])
    sizes = rng.choice(len(SIZE_MIX), size=n_firms, p=[w for _, w in SIZE_MIX])
    n_exporters = round(n_firms * EXPORTING_SHARE)
    # Bigger firms export more often and carry the largest sums: rank by size, then at random.
    order = np.lexsort((rng.random(n_firms), sizes))
    exporters = order[:n_exporters]
    values = annual_exports_eok(n_exporters, rng)
    export_eok = dict(zip(exporters.tolist(), values.tolist(), strict=True))
    firms: list[Company] = []
    for i in range(n_firms):
        size = SIZE_MIX[int(sizes[i])][0]
        label = f"{i + 1:05d}"
        sols: list[Solution] = []
        for j in range(solutions_per_firm):
            svc = services[int(rng.choice(len(services), p=sw / sw.sum()))]
            sub = subs[svc][int(rng.integers(len(subs[svc])))]
            deployments: tuple[Deployment, ...] = ()
            if i in export_eok and rng.random() < 0.6:
                country = MARKETS[int(rng.integers(len(MARKETS)))][0]
                deployments = (Deployment(rng.choice(CITIES[country]).item(), country,
                                          int(rng.integers(2014, year + 1)), f"Synthetic client {label}",
                                          round(float(rng.lognormal(13, 1)), 2)),)
            sols.append(Solution(
                key=f"S{label}-{j + 1}", name_ko=f"{sub['ko']} 솔루션 {label}-{j + 1} (샘플)",
                name_en=f"{sub['en']} solution {label}-{j + 1} (sample)", service=svc, sub_solution=sub["id"],
                kind=_KINDS[int(rng.integers(4))], trl=int(rng.integers(5, 10)),
                description_ko=f"합성 데이터: {sub['ko']} 분야의 샘플 솔루션입니다.",
                description_en=f"Synthetic data: a sample {sub['en']} solution.", deployments=deployments))
        exports: tuple[ExportRecord, ...] = ()
        if i in export_eok:
            usd = export_eok[i] * EOK_KRW / krw_per_usd
            exports = split_exports(usd, year, sols[0].name_en if sols else "", rng)
        firms.append(Company(
            brn=make_brn(f"{800000000 + i:09d}"), name_ko=f"합성기업 {label} (샘플)",
            name_en=f"Synthetic Firm {label} (sample)", size=size, public_corporation=size == "public",
            member_since=int(rng.integers(2019, 2021)), headquarters="Seoul", sample=True,
            solutions=tuple(sols), exports=exports,
            capabilities=tuple(dict.fromkeys((s.service, s.sub_solution) for s in sols))))
    return firms


def annual_export_usd(company: Company, year: int) -> float:
    """A company's exports in one year, summed over markets."""
    return sum(e.value_usd for e in company.exports if e.year == year)
