"""The alliance catalogue: companies, their solutions, deployments, exports and capabilities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SizeClass = Literal["large", "middle", "sme", "startup", "public"]
# each size class by its (English, Korean) name, as pages, exports and messages show it
SIZE_NAMES: dict[str, tuple[str, str]] = {
    "large": ("Large enterprise", "대기업"), "middle": ("Middle-market enterprise", "중견기업"),
    "sme": ("SME", "중소기업"), "startup": ("Startup", "스타트업"), "public": ("Public corporation", "공공기관")}
SolutionKind = Literal["hardware", "software", "service", "platform"]


@dataclass(frozen=True)
class Deployment:
    """A reference deployment of a solution."""

    city: str
    country: str  # ISO3
    year: int
    client: str = ""
    value_usd: float | None = None


@dataclass(frozen=True)
class ExportRecord:
    """One year's exports of a company to a country."""

    country: str  # ISO3
    year: int
    value_usd: float
    product: str = ""


@dataclass(frozen=True)
class Solution:
    """A solution a company offers, placed in the taxonomy."""

    key: str
    name_ko: str
    name_en: str
    service: str
    sub_solution: str | None = None
    kind: SolutionKind = "software"
    trl: int = 9
    description_ko: str = ""
    description_en: str = ""
    standards: tuple[str, ...] = field(default_factory=tuple)
    deployments: tuple[Deployment, ...] = field(default_factory=tuple)
    codes: tuple[str, ...] = field(default_factory=tuple)  # CPV codes, when known
    id: int | None = None  # database id once stored (None for values not yet saved)


@dataclass(frozen=True)
class Company:
    """A member of the Smart City Convergence Alliance (or a sample stand-in)."""

    brn: str  # business registration number, 10 digits "123-45-67890"
    name_ko: str
    name_en: str
    size: SizeClass
    public_corporation: bool = False
    member_since: int | None = None
    headquarters: str = ""
    website: str = ""
    contact: str = ""
    sample: bool = False
    solutions: tuple[Solution, ...] = field(default_factory=tuple)
    exports: tuple[ExportRecord, ...] = field(default_factory=tuple)
    capabilities: tuple[tuple[str, str | None], ...] = field(default_factory=tuple)  # (service, sub)
    id: int | None = None  # database id once stored (None for values not yet saved)
