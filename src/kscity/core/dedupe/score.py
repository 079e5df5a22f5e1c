"""Pairwise scoring of two notices: Fellegi–Sunter style log-likelihood weights per field, summed.

Each field is compared into a level (e.g. title "exact", "close", "different"), and each level has a
weight log2(m/u): m is how often true matches show that level, u how often non-matches do. The
weights below are set by hand from those two frequencies as judged for procurement notices (written
beside each level) and checked on the labelled set in tests/fixtures/linkage; they are not fitted to it.
A missing value on either side gives weight 0 (no evidence). The total weight plus the prior log-odds
(`PRIOR_LOG2_ODDS`: about 1 true match per 100 candidate pairs after blocking) gives the match
probability `score = 1 / (1 + 2 ** -(weight + prior))`; pairs at or above `DEFAULT_THRESHOLD` link.

Titles in two different languages cannot be compared token by token: without an embedding a low
token similarity across languages is no evidence (weight 0), while in one language it is strong
evidence against (a buyer's other tender). With title embeddings (a multilingual sentence encoder,
computed by the caller), cross-language titles are compared by cosine instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from kscity.core.dedupe.features import NoticeFeatures

PRIOR_LOG2_ODDS = -6.6
DEFAULT_THRESHOLD = 0.5

# (field, level) -> log2(m/u), with the m and u judged for each level.
WEIGHTS: dict[tuple[str, str], float] = {
    ("id", "same-ocid"): 10.0,  # m .3, u ~.0003
    ("title", "exact"): 9.0,  # m .6, u .001
    ("title", "close"): 5.0,  # m .2, u .006
    ("title", "partial"): -2.0,  # same language, some words shared: m .05, u .2 among a buyer's tenders
    # Same language, under 60 % of tokens shared once abbreviations and acronyms are counted: another
    # project. A buyer's other tenders share buyer, day and CPV, so this is also a cannot-link (CONFLICTS).
    ("title", "different"): -14.0,
    ("title", "other-language"): 0.0,  # no token evidence either way (no embeddings given)
    ("buyer", "exact"): 4.0,  # blocking pairs a buyer's notices, so u is high there: m .7, u .05
    ("buyer", "close"): 3.0,  # m .2, u .025
    ("buyer", "partial"): 0.0,  # one name inside the other
    ("buyer", "different"): -16.0,  # names that each keep words of their own: two buyers (cannot-link)
    ("country", "same"): 1.0,  # blocking is by country: m .99, u .5
    ("country", "different"): -8.0,  # m .003, u .5 (cannot-link)
    ("value", "exact"): 7.0,  # within 0.5 %: m .7, u .005
    ("value", "rounded"): 3.5,  # one is the other rounded, or within 5 %: m .2, u .018
    ("value", "near"): 0.0,  # within 20 %
    ("value", "far"): -6.0,  # m .015, u .95
    ("value", "other-currency"): 0.0,  # not comparable without rates
    ("published", "same-day"): 2.5,  # blocking is by date window: m .5, u .09
    ("published", "week"): 1.5,  # within 7 days: m .4, u .14
    ("published", "two-months"): -0.5,  # within 60 days
    ("published", "far"): -4.0,  # m .05, u .8
    ("deadline", "same-day"): 3.0,  # m .7, u .09
    ("deadline", "week"): 1.5,  # within 7 days
    ("deadline", "far"): -3.0,  # m .12, u .96
    ("cpv", "main"): 2.0,  # same main code; blocking is by CPV division: m .8, u .2
    ("cpv", "shared"): 1.0,  # codes overlap
    ("cpv", "division"): -1.0,  # only the division in common
    ("cpv", "different"): -4.5,  # m .03, u .7
}

# Levels that say "two different projects" outright: clusters holding such a pair are never merged.
CONFLICTS = frozenset({("title", "different"), ("buyer", "different"), ("country", "different")})

# Across languages with title embeddings: weight grows with the cosine, (cos - 0.45) * 20, within
# [-2, +6]. USE multilingual v3 gives true translations 0.22-0.95 here (low for languages it was not
# trained on, such as Latvian and Romanian), so a low cosine is only weak evidence against.
COS_MIDPOINT, COS_SLOPE, COS_MIN_WEIGHT, COS_MAX_WEIGHT = 0.45, 20.0, -2.0, 6.0

# Similarity cut-offs for the text levels (0..1), and for embedding cosines across languages.
TEXT_EXACT, TEXT_CLOSE, TEXT_PARTIAL = 0.95, 0.8, 0.6


@dataclass(frozen=True)
class FieldScore:
    """One field's comparison: its level, the similarity seen (if any) and the weight it adds."""

    field: str
    level: str
    similarity: float | None
    weight: float

    def reason(self) -> str:
        """A short human-readable line, e.g. "title close 0.87 (+5.0)"."""
        sim = f" {self.similarity:.2f}" if self.similarity is not None else ""
        return f"{self.field} {self.level}{sim} ({self.weight:+.1f})"


@dataclass(frozen=True)
class PairScore:
    """The comparison of two notices: match probability, total weight, and the per-field evidence."""

    left: str
    right: str
    score: float
    weight: float
    fields: tuple[FieldScore, ...]

    @property
    def conflict(self) -> bool:
        """Whether a field says outright that these are two projects (a cannot-link for clustering)."""
        return any((f.field, f.level) in CONFLICTS for f in self.fields)

    @property
    def reasons(self) -> tuple[str, ...]:
        """The per-field evidence as short lines."""
        return tuple(f.reason() for f in self.fields)


def _is_abbreviation(short: str, long: str) -> bool:
    # "dept" ~ "department", "univ" ~ "universitet": same first letter, letters in order, at least 3 of them
    if len(short) < 3 or len(short) >= len(long) or short[0] != long[0] or not short.isalpha():
        return False
    it = iter(long)
    return all(ch in it for ch in short)


@lru_cache(maxsize=65536)
def _run_initials(long: tuple[str, ...]) -> frozenset[str]:
    """Initials of every run of 2 to 6 consecutive tokens: the acronyms a text could be written as."""
    return frozenset("".join(t[:1] for t in long[i : i + n]) for n in range(2, 7) for i in range(len(long) - n + 1))


def _acronym_run(tok: str, long: tuple[str, ...], used: list[bool]) -> bool:
    """Mark and report a run of unused tokens whose initials spell `tok` ("lbb" ~ "london borough barnet")."""
    if tok not in _run_initials(long):
        return False
    n = len(tok)
    for i in range(len(long) - n + 1):
        if not any(used[i : i + n]) and all(long[i + k][:1] == tok[k] for k in range(n)):
            used[i : i + n] = [True] * n
            return True
    return False


def _cover(short: tuple[str, ...], long: tuple[str, ...]) -> float:
    """Share of `short`'s tokens found in `long` as equal, near-equal, abbreviated or acronym tokens."""
    if not short or not long:
        return 0.0
    used = [False] * len(long)
    position: dict[str, list[int]] = {}
    for j, other in enumerate(long):
        position.setdefault(other, []).append(j)
    matched = 0
    rest: list[str] = []
    for tok in short:  # equal tokens first: cheap, and most pairs end here
        slots = position.get(tok)
        if slots:
            used[slots.pop()] = True
            matched += 1
        else:
            rest.append(tok)
    for tok in rest:
        for j, other in enumerate(long):
            # near-equal words and abbreviations keep their first letter ("dept" ~ "department")
            if used[j] or other[:1] != tok[:1]:
                continue
            if (min(len(tok), len(other)) >= 5 and fuzz.ratio(tok, other) >= 85) or (
                _is_abbreviation(tok, other) or _is_abbreviation(other, tok)
            ):
                used[j] = True
                matched += 1
                break
        else:
            if 2 <= len(tok) <= 6 and tok.isalpha() and _acronym_run(tok, long, used):
                matched += 1
    return matched / len(short)


_SHORT = {1: 0.8, 2: 0.9}


def text_similarity(a: str, a_tokens: tuple[str, ...], b: str, b_tokens: tuple[str, ...]) -> float:
    """Similarity 0..1 of two normalised texts: token-set ratio or abbreviation-aware token cover, the higher."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    token_set = fuzz.token_set_ratio(a, b) / 100.0
    if min(len(a_tokens), len(b_tokens)) < 3:
        token_set *= 0.9  # token_set_ratio is 1.0 for any one-word subset
    if token_set >= TEXT_EXACT:
        return token_set
    # one or two covered words say less than a covered phrase
    cover = max(
        _cover(a_tokens, b_tokens) * _SHORT.get(len(a_tokens), 1.0),
        _cover(b_tokens, a_tokens) * _SHORT.get(len(b_tokens), 1.0),
    )
    return max(token_set, cover)


def _cosine(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def _title(a: NoticeFeatures, b: NoticeFeatures) -> FieldScore | None:
    if not a.title or not b.title:
        return None
    sim = text_similarity(a.title, a.title_tokens, b.title, b.title_tokens)
    level = "exact" if sim >= TEXT_EXACT else "close" if sim >= TEXT_CLOSE else "partial" if sim >= TEXT_PARTIAL else ""
    if level:
        return FieldScore("title", level, sim, WEIGHTS[("title", level)])
    other_language = bool(a.language and b.language and a.language != b.language)
    if not other_language:
        return FieldScore("title", "different", sim, WEIGHTS[("title", "different")])
    if a.embedding is not None and b.embedding is not None:
        cos = _cosine(a.embedding, b.embedding)
        weight = min(COS_MAX_WEIGHT, max(COS_MIN_WEIGHT, (cos - COS_MIDPOINT) * COS_SLOPE))
        return FieldScore("title", "embedding", cos, weight)
    return FieldScore("title", "other-language", sim, WEIGHTS[("title", "other-language")])


def _buyer(a: NoticeFeatures, b: NoticeFeatures) -> FieldScore | None:
    if not a.buyer or not b.buyer:
        return None
    sim = text_similarity(a.buyer, a.buyer_tokens, b.buyer, b.buyer_tokens)
    level = "exact" if sim >= TEXT_EXACT else "close" if sim >= TEXT_CLOSE else "partial" if sim >= TEXT_PARTIAL else ""
    contained = max(_cover(a.buyer_tokens, b.buyer_tokens), _cover(b.buyer_tokens, a.buyer_tokens)) >= 0.99
    if level in ("close", "partial") and not contained:
        level = ""  # "London Borough of Barnet" / "... of Haringey": names that each keep a word of their own
    level = level or "different"
    if not level:
        level = "different"
    return FieldScore("buyer", level, sim, WEIGHTS[("buyer", level)])


def _significant_digits(v: float) -> int:
    digits = f"{abs(v):.6e}".split("e")[0].replace(".", "").rstrip("0")
    return max(len(digits), 1)


def _rounds_to(precise: float, rounded: float) -> bool:
    """Whether `rounded` is `precise` rounded to `rounded`'s own significant digits (at least two)."""
    sig = _significant_digits(rounded)
    if sig < 2 or _significant_digits(precise) <= sig:
        return False
    exp = math.floor(math.log10(abs(precise))) - sig + 1
    return any(math.isclose(f(precise / 10**exp) * 10**exp, rounded, rel_tol=1e-9) for f in (round, math.floor))


def compare_values(a: float, b: float) -> tuple[str, float]:
    """The value level ("exact", "rounded", "near", "far") of two positive amounts and their relative difference."""
    rel = abs(a - b) / max(a, b)
    if rel <= 0.005:
        return "exact", rel
    if rel <= 0.05 or _rounds_to(a, b) or _rounds_to(b, a):
        return "rounded", rel
    return ("near" if rel <= 0.2 else "far"), rel


def _value(a: NoticeFeatures, b: NoticeFeatures) -> FieldScore | None:
    if a.value is None or b.value is None:
        return None
    if a.currency and b.currency and a.currency != b.currency:
        if a.value_usd is None or b.value_usd is None:
            return FieldScore("value", "other-currency", None, WEIGHTS[("value", "other-currency")])
        level, rel = compare_values(a.value_usd, b.value_usd)
        level = "near" if level == "exact" else level  # rates of different dates never agree exactly
    else:
        level, rel = compare_values(a.value, b.value)
    return FieldScore("value", level, 1.0 - rel, WEIGHTS[("value", level)])


def _days(field: str, a: int | None, b: int | None, week_then: str) -> FieldScore | None:
    if a is None or b is None:
        return None
    gap = abs(a - b)
    level = "same-day" if gap == 0 else "week" if gap <= 7 else week_then if gap <= 60 else "far"
    return FieldScore(field, level, float(gap), WEIGHTS[(field, level)])


def _cpv(a: NoticeFeatures, b: NoticeFeatures) -> FieldScore | None:
    if not a.cpv or not b.cpv:
        return None
    if a.cpv_main == b.cpv_main:
        level = "main"
    elif a.cpv & b.cpv:
        level = "shared"
    elif a.cpv_divisions & b.cpv_divisions:
        level = "division"
    else:
        level = "different"
    return FieldScore("cpv", level, None, WEIGHTS[("cpv", level)])


def _country(a: NoticeFeatures, b: NoticeFeatures) -> FieldScore | None:
    if not a.country or not b.country:
        return None
    level = "same" if a.country == b.country else "different"
    return FieldScore("country", level, None, WEIGHTS[("country", level)])


def compare(a: NoticeFeatures, b: NoticeFeatures) -> PairScore:
    """Score two notices' features; symmetric in its arguments."""
    fields: list[FieldScore] = []
    if a.ocid and a.ocid == b.ocid:
        fields.append(FieldScore("id", "same-ocid", None, WEIGHTS[("id", "same-ocid")]))
    for fs in (
        _title(a, b),
        _buyer(a, b),
        _country(a, b),
        _value(a, b),
        _days("published", a.published_day, b.published_day, "two-months"),
        _days("deadline", a.deadline_day, b.deadline_day, "far"),
        _cpv(a, b),
    ):
        if fs is not None:
            fields.append(fs)
    weight = sum(f.weight for f in fields)
    left, right = sorted((a.key, b.key))
    return PairScore(left, right, probability(weight), weight, tuple(fields))


def probability(weight: float) -> float:
    """Match probability from a total weight (log2 Bayes factor) and the prior odds."""
    return 1.0 / (1.0 + float(2.0 ** -(weight + PRIOR_LOG2_ODDS)))
