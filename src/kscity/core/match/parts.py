"""The score parts of matching, each a pure function into [0, 1] that never falls when evidence grows.

service/sub-solution fit, CPV/UNSPSC code-hierarchy fit, text relevance (BM25 + embeddings, combined),
country/region experience, maturity (TRL), size (SMEs and startups surfaced), Korean support available.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kscity.model.catalogue import Company

# Instruments that make a Korean bid cheaper or safer in a country (kscity.core.eligibility ids).
SUPPORT_INSTRUMENTS: tuple[str, ...] = ("ksure_special", "kexim_special", "edcf", "edpf", "pis_fund",
                                        "ksp_track", "coexpansion", "market_development")
SIZE_VALUE: Mapping[str, float] = {"startup": 1.0, "sme": 1.0, "middle": 0.6, "large": 0.35, "public": 0.35}


def service_fit(opp_service: str | None, opp_sub: str | None, service: str, sub: str | None) -> float:
    """1 for the same sub-solution, 0.7 for the same service with a sub unknown on one side, 0.5 for another sub."""
    if not opp_service or opp_service != service:
        return 0.0
    if opp_sub is None or sub is None:
        return 0.7
    return 1.0 if opp_sub == sub else 0.5


def code_levels(scheme: str, code: str) -> tuple[str, ...]:
    """The ancestors of a code, shortest first: CPV by digit from the division (2), UNSPSC by digit pair."""
    digits = "".join(ch for ch in code.split("-", 1)[0] if ch.isdigit())
    if scheme.upper() == "UNSPSC":
        digits = digits[:8].ljust(8, "0")
        pairs = [digits[i:i + 2] for i in range(0, 8, 2)]
        while len(pairs) > 1 and pairs[-1] == "00":
            pairs.pop()
        return tuple("".join(pairs[:i]) for i in range(1, len(pairs) + 1))
    digits = digits[:8].ljust(8, "0").rstrip("0")
    digits = digits.ljust(2, "0")
    return tuple(digits[:i] for i in range(2, len(digits) + 1))


def code_distance(a: tuple[str, ...], b: tuple[str, ...]) -> int | None:
    """Levels between two codes when one is the other's ancestor (0 = same code), else None."""
    if not a or not b:
        return None
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(long_) - len(short) if long_[len(short) - 1] == short[-1] else None


def code_fit(opp_codes: Iterable[tuple[str, ...]], firm_codes: Iterable[tuple[str, ...]]) -> float:
    """Best pair: same code 1, one level up/down 0.8, two 0.6, further 0.4; sibling under a shared parent 0.3."""
    best = 0.0
    firm = list(firm_codes)
    for a in opp_codes:
        for b in firm:
            d = code_distance(a, b)
            if d is not None:
                best = max(best, (1.0, 0.8, 0.6)[d] if d < 3 else 0.4)
            elif len(a) > 1 and len(b) > 1 and a[-2] in b:
                best = max(best, 0.3)
    return best


@dataclass(frozen=True)
class TextScale:
    """How raw text scores map to [0, 1]: cosine between floor and ceiling; BM25 saturates at half_bm25."""

    cos_floor: float = 0.10
    cos_ceiling: float = 0.55
    half_bm25: float = 8.0
    embedding_share: float = 0.6


def text_relevance(cosine: float, bm25: float, scale: TextScale = TextScale()) -> float:
    """Embedding cosine (across languages) and BM25 (shared words), each scaled, then combined."""
    e = min(1.0, max(0.0, (cosine - scale.cos_floor) / (scale.cos_ceiling - scale.cos_floor)))
    b = max(0.0, bm25) / (max(0.0, bm25) + scale.half_bm25)
    return scale.embedding_share * e + (1.0 - scale.embedding_share) * b


@dataclass(frozen=True)
class Experience:
    """A firm's track record in one country and its region."""

    country_deployments: int = 0
    country_exports: int = 0
    region_deployments: int = 0
    region_exports: int = 0


def experience(company: Company, country: str | None, region_of: Mapping[str, str]) -> Experience:
    """Count the firm's deployments and export records in the country and in its region."""
    if not country:
        return Experience()
    region = region_of.get(country)
    deps = [d.country for s in company.solutions for d in s.deployments]
    exps = [e.country for e in company.exports]

    def in_region(iso3: str) -> bool:
        return region is not None and iso3 != country and region_of.get(iso3) == region

    return Experience(sum(c == country for c in deps), sum(c == country for c in exps),
                      sum(in_region(c) for c in deps), sum(in_region(c) for c in exps))


def experience_fit(e: Experience) -> float:
    """1 − exp(−evidence): in-country records weigh 0.8 each, in-region ones 0.3 (deployments count 1.5×)."""
    evidence = 0.8 * (1.5 * e.country_deployments + e.country_exports)
    evidence += 0.3 * (1.5 * e.region_deployments + e.region_exports)
    return 1.0 - math.exp(-evidence)


def maturity_fit(trl: int | None) -> float:
    """TRL 9 → 1, TRL 3 or less → 0, linear between; unknown TRL → 0.5."""
    if trl is None:
        return 0.5
    return min(1.0, max(0.0, (trl - 3) / 6))


def size_fit(size: str) -> float:
    """SMEs and startups 1, mid-size 0.6, large and public 0.35: small firms are surfaced, not buried."""
    return SIZE_VALUE.get(size, 0.6)


def support_fit(eligible: Iterable[str]) -> float:
    """Korean instruments that apply in the country: each adds 0.4, up to 1."""
    return min(1.0, 0.4 * len(set(eligible) & set(SUPPORT_INSTRUMENTS)))
