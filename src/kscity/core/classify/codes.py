"""CPV and UNSPSC item codes → (service, sub-solution): the code table and its hierarchical lookup.

The rule the tables encode (see reference/classification/README.md): a code is smart-city when what
it buys is one of the plan's named solutions (CCTV, traffic monitoring, street lighting, meters,
passenger information, patient monitoring …) or the operating service of a sector the plan lists
as a smart-city service (water distribution, health services, solar energy …). Construction
works, supplies, back-office IT and professional services are not smart-city, explicitly or by
default. Lookup is longest-prefix on each standard's own tree: CPV's eight digits with trailing
zeros marking the level, UNSPSC's segment/family/class/commodity pairs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from kscity.model.opportunity import NOT_SMART_CITY, Classification, ItemCode

Scheme = Literal["CPV", "UNSPSC"]
Strength = Literal["digital", "sector", "none"]

# How sure a code makes us: an ICT-enabled product names the solution itself; a sector code (water
# distribution, health services) places the notice in the service without proving it is "smart".
STRENGTH_SCORE: dict[str, float] = {"digital": 0.95, "sector": 0.75, "none": 0.9}
DEFAULT_NOT_SMART_SCORE = 0.8
# A code other than the main one is weaker evidence of what a notice buys: a lot or an ancillary item.
SECONDARY_WEIGHT = 0.5
_UNSPSC_LEVELS = (8, 6, 4, 2)
_LEADING_DIGITS = re.compile(r"^\s*(\d{8})")


@dataclass(frozen=True)
class CodeRule:
    """One row of a code table: a code (any level) and the service it places a notice in."""

    scheme: Scheme
    code: str  # eight digits, trailing zeros mark the level
    service: str
    sub_solution: str | None
    strength: Strength
    label: str


@dataclass(frozen=True)
class CodeMatch:
    """An item code resolved through the table: the rule that decided (possibly an ancestor)."""

    scheme: Scheme
    code: str
    rule: CodeRule | None  # None: understood scheme, but no row on its path (not smart-city by default)

    @property
    def service(self) -> str:
        """The service this code places the notice in."""
        return self.rule.service if self.rule else NOT_SMART_CITY

    @property
    def score(self) -> float:
        """Confidence the code gives to its service."""
        return STRENGTH_SCORE[self.rule.strength] if self.rule else DEFAULT_NOT_SMART_SCORE

    def evidence(self) -> str:
        """One readable line: code, the table row that decided, the outcome."""
        if self.rule is None:
            return f"{self.scheme} {self.code} not in the table → {NOT_SMART_CITY} (default)"
        target = self.rule.service + (f"/{self.rule.sub_solution}" if self.rule.sub_solution else "")
        via = self.rule.label if self.rule.code == self.code else f"(under {self.rule.code} {self.rule.label})"
        return f"{self.scheme} {self.code} {via} → {target}"


def _cpv_key(code: str) -> str:
    """CPV level: trailing zeros are not significant, but a division keeps its two digits."""
    key = code.rstrip("0")
    return key if len(key) >= 2 else code[:2]


def _unspsc_key(code: str) -> str:
    """UNSPSC level: the shortest of segment (2), family (4), class (6), commodity (8) that holds the code."""
    for length in (2, 4, 6):
        if set(code[length:]) <= {"0"}:
            return code[:length]
    return code


@dataclass(frozen=True)
class CodeTable:
    """The CPV and UNSPSC tables, keyed by significant prefix for longest-prefix lookup."""

    cpv: Mapping[str, CodeRule] = field(default_factory=dict)
    unspsc: Mapping[str, CodeRule] = field(default_factory=dict)

    def lookup(self, scheme: str, raw_code: str) -> CodeMatch | None:
        """Resolve one item code; None when the scheme is not CPV/UNSPSC or the code is malformed."""
        norm = normalise_scheme(scheme)
        code = normalise_code(raw_code)
        if norm is None or code is None:
            return None
        if norm == "CPV":
            prefixes: Sequence[str] = [code[:n] for n in range(8, 1, -1)]
            table = self.cpv
        else:
            prefixes = [code[:n] for n in _UNSPSC_LEVELS]
            table = self.unspsc
        for prefix in prefixes:
            rule = table.get(prefix)
            if rule is not None:
                return CodeMatch(norm, code, rule)
        return CodeMatch(norm, code, None)


def normalise_scheme(scheme: str) -> Scheme | None:
    """CPV or UNSPSC from the many ways publishers spell them (Paraguay's DNCP catalogue is UNSPSC-based)."""
    s = scheme.strip().upper()
    if "CPV" in s and "CPVS" not in s:
        return "CPV"
    # DNCP Paraguay's catalogue ids are a UNSPSC commodity plus a "-NNN" catalogue suffix.
    if "UNSPSC" in s or "DNCP" in s or "PARAGUAY" in s:
        return "UNSPSC"
    return None


def normalise_code(raw: str) -> str | None:
    """The eight leading digits of a code ("34300000-0", " 30000000", "43211508-001"), else None."""
    m = _LEADING_DIGITS.match(raw)
    return m.group(1) if m else None


def build_code_table(cpv_rows: Iterable[Mapping[str, str]], unspsc_rows: Iterable[Mapping[str, str]]) -> CodeTable:
    """A table from CSV-like rows (code, service, sub_solution, strength, label_en); raises ValueError on bad rows."""
    return CodeTable(cpv=_index("CPV", cpv_rows, _cpv_key), unspsc=_index("UNSPSC", unspsc_rows, _unspsc_key))


def _index(scheme: Scheme, rows: Iterable[Mapping[str, str]], key_of: Callable[[str], str]) -> dict[str, CodeRule]:
    out: dict[str, CodeRule] = {}
    for n, row in enumerate(rows, start=2):  # row 1 is the CSV header
        code = (row.get("code") or "").strip()
        strength = (row.get("strength") or "").strip()
        service = (row.get("service") or "").strip()
        if not re.fullmatch(r"\d{8}", code):
            raise ValueError(f"{scheme} table row {n}: code must be 8 digits, got {code!r}")
        if strength not in STRENGTH_SCORE:
            raise ValueError(f"{scheme} table row {n}: strength must be digital|sector|none, got {strength!r}")
        if (service == NOT_SMART_CITY) != (strength == "none"):
            raise ValueError(f"{scheme} table row {n}: strength 'none' goes with {NOT_SMART_CITY} only")
        key = key_of(code)
        if key in out:
            raise ValueError(f"{scheme} table row {n}: code {code} duplicates {out[key].code}")
        out[key] = CodeRule(scheme, code, service, (row.get("sub_solution") or "").strip() or None,
                            strength, (row.get("label_en") or "").strip())  # type: ignore[arg-type]
    return out


def classify_codes(items: Iterable[ItemCode], table: CodeTable) -> Classification | None:
    """Place a notice by its CPV/UNSPSC item codes; None when it has no code the table understands.

    The main code (the first one the table understands: TED's CPV_MAIN, eForms' main commodity, an OCDS
    notice's first item classification come first) says what the contract is, and decides when it names a
    smart-city service. The other codes are weaker evidence: when the main code is not smart, each code votes
    for its service with its score, the main in full and every other at SECONDARY_WEIGHT, and a smart service
    wins only with more votes than not_smart_city (a construction tender listing one refuse-services code stays
    construction; a telecom network whose main code is its installation works, beside four telecom codes, is
    smart). Ties go to the earlier code.
    """
    matches: list[CodeMatch] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        match = table.lookup(item.scheme, item.code)
        if match is not None and (match.scheme, match.code) not in seen:
            seen.add((match.scheme, match.code))
            matches.append(match)
    if not matches:
        return None
    main = matches[0]
    if main.service != NOT_SMART_CITY:
        return _decided(main.service, matches)
    votes: dict[str, float] = {}
    for i, m in enumerate(matches):
        votes[m.service] = votes.get(m.service, 0.0) + m.score * (1.0 if i == 0 else SECONDARY_WEIGHT)
    service = max(votes, key=lambda s: votes[s])  # max keeps the first of equal totals: the main's
    if service == NOT_SMART_CITY:
        score = max(m.score for m in matches if m.service == NOT_SMART_CITY)
        return Classification(NOT_SMART_CITY, None, round(score, 3), tuple(m.evidence() for m in matches[:5]), "code")
    return _decided(service, matches)


def _decided(service: str, matches: Sequence[CodeMatch]) -> Classification:
    """A smart-city service with the codes that name it (the most frequent sub-solution among them)."""
    chosen = [m for m in matches if m.service == service]
    subs = [m.rule.sub_solution for m in chosen if m.rule and m.rule.sub_solution]
    sub = max(subs, key=subs.count) if subs else None
    return Classification(service, sub, round(max(m.score for m in chosen), 3),
                          tuple(m.evidence() for m in chosen[:5]), "code")
