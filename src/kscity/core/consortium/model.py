"""The consortium problem (needs, candidates, constraints), its reduction, and one solve on HiGHS.

Formulation (x_i = 1 when firm i is a member):

    max  Σ (score_i − member_cost) x_i
    s.t. Σ_{i covers need j} x_i ≥ 1           every required capability (with its minimum TRL)
         Σ_{i large or public} x_i ≥ 1         someone can lead; the best-scoring such member is the lead
         Σ_{i SME or startup} x_i ≥ min_sme
         Σ x_i ≤ max_members
         Σ_{i with in-country experience} x_i ≥ 1   (optional)
         x_i = 1 for must-include, x_i = 0 for must-exclude (and for firms that cover no need and cannot lead)

Why it is fast: `reduce_candidates` drops every firm that is dominated (same size group, covers a superset
of needs, scores at least as well, no less in-country experience) by at least max_members − 1 + k other
firms. Such a firm is in none of the k best consortia: in any team that holds it, at least k of its
dominators are outside the team, and swapping it for each gives k distinct teams at least as good.
Then (topk.py) the LP relaxation's reduced costs restrict the MIP to the firms that can be in a team
within 1 % of the LP bound (widened until k teams are certified), so HiGHS's presolve and search see a
few hundred columns instead of thousands; measured here, this beat handing HiGHS the greedy team as an
incumbent (greedy.py stays as the benchmark's baseline).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from kscity.errors import InvalidInput
from kscity.model.catalogue import Company
from kscity.model.opportunity import NOT_SMART_CITY, Classification

SizeClass = Literal["large", "middle", "sme", "startup", "public"]
Status = Literal["optimal", "feasible"]
LEAD_SIZES: frozenset[str] = frozenset({"large", "public"})
SME_SIZES: frozenset[str] = frozenset({"sme", "startup"})
OPTIMAL_GAP = 1e-6  # a relative gap at or below this is reported as "optimal"


@dataclass(frozen=True)
class Need:
    """A required capability: a service id or "service:sub_solution", optionally with a minimum TRL."""

    capability: str
    min_trl: int | None = None

    @property
    def service(self) -> str:
        """The service part of the capability."""
        return self.capability.split(":", 1)[0]


@dataclass(frozen=True)
class Candidate:
    """A firm that could join: its size, match score, capabilities (key → best TRL) and local experience."""

    firm_id: str
    size: SizeClass
    score: float
    capabilities: Mapping[str, int] = field(default_factory=dict)
    in_country: bool = False
    name: str = ""  # English (Korean when there is none)
    name_ko: str = ""  # Korean (English when there is none), for Korean pages

    @property
    def can_lead(self) -> bool:
        """Large firms and public corporations can lead."""
        return self.size in LEAD_SIZES

    @property
    def is_sme(self) -> bool:
        """SMEs and startups count towards min_sme."""
        return self.size in SME_SIZES


@dataclass(frozen=True)
class Constraints:
    """The user's rules for a team."""

    max_members: int = 6
    min_sme: int = 1
    must_include: frozenset[str] = frozenset()
    must_exclude: frozenset[str] = frozenset()
    require_in_country: bool = False
    member_cost: float = 0.1  # subtracted per member: a team is not better just for being bigger
    max_large: int | None = None  # at most this many large/public members (None: no limit)


@dataclass(frozen=True)
class Member:
    """One member of a consortium and its role."""

    firm_id: str
    role: Literal["lead", "member"]
    size: str
    covers: tuple[str, ...]
    score: float
    name: str = ""
    name_ko: str = ""


@dataclass(frozen=True)
class Consortium:
    """A proposed team: members (lead first), score (the objective: Σ match score − member cost), status, gap."""

    members: tuple[Member, ...]
    score: float  # what the teams are ranked by, best first
    match_total: float  # Σ members' match scores, before member costs
    status: Status
    gap: float  # proven relative gap to the best possible team (0 when optimal)

    @property
    def objective(self) -> float:
        """The optimised value (same as score)."""
        return self.score

    @property
    def firm_ids(self) -> frozenset[str]:
        """The member ids."""
        return frozenset(m.firm_id for m in self.members)


def candidate_from_company(firm_id: str, company: Company, score: float, country: str | None = None) -> Candidate:
    """A candidate from a catalogue firm: solutions give capabilities with TRL; declared ones count as TRL 0."""
    caps: dict[str, int] = {}
    for service, sub in company.capabilities:
        key = f"{service}:{sub}" if sub else service
        caps[key] = max(caps.get(key, 0), 0)  # declared without a solution: meets needs with no TRL floor
    for s in company.solutions:
        key = f"{s.service}:{s.sub_solution}" if s.sub_solution else s.service
        caps[key] = max(caps.get(key, 0), s.trl)
    local = country is not None and (any(d.country == country for s in company.solutions for d in s.deployments)
                                     or any(e.country == country for e in company.exports))
    size: SizeClass = "public" if company.public_corporation else company.size
    return Candidate(firm_id, size, score, caps, local, company.name_en or company.name_ko,
                     company.name_ko or company.name_en)


def needs_from_classification(c: Classification | None) -> list[Need]:
    """The default need list of an opportunity: its service and sub-solution (none when not smart-city)."""
    if c is None or c.service == NOT_SMART_CITY:
        return []
    return [Need(f"{c.service}:{c.sub_solution}" if c.sub_solution else c.service)]


def parse_need(text: str) -> Need:
    """A need from "service[:sub][@min_trl]", as the CLI's --need takes it."""
    cap, _, trl = text.strip().partition("@")
    if not cap or (trl and not trl.isdigit()):
        raise InvalidInput(f"--need {text!r}: expected SERVICE[:SUB][@TRL]",
                           f"--need {text!r}: SERVICE[:SUB][@TRL] 형식이어야 합니다")
    return Need(cap, int(trl) if trl else None)


def covers(candidate: Candidate, need: Need) -> bool:
    """Whether a firm meets a need: same capability (a service need accepts any of its subs) and TRL."""
    floor = need.min_trl if need.min_trl is not None else -1
    if ":" in need.capability:
        trl = candidate.capabilities.get(need.capability)
        return trl is not None and trl >= floor
    prefix = need.capability + ":"
    return any(trl >= floor for cap, trl in candidate.capabilities.items()
               if cap == need.capability or cap.startswith(prefix))


@dataclass
class Instance:
    """A validated problem in arrays: candidates kept after reduction and their cover sets."""

    needs: tuple[Need, ...]
    candidates: tuple[Candidate, ...]
    constraints: Constraints
    cover: list[list[int]]  # need index → candidate indexes that cover it
    covered_by: list[tuple[int, ...]]  # candidate index → need indexes it covers
    net: NDArray[np.float64]
    dropped: int = 0


def validate(needs: Sequence[Need], candidates: Sequence[Candidate], constraints: Constraints, k: int = 1) -> None:
    """Raise InvalidInput for inputs no solver should see (k < 1, bad sizes, unknown or clashing ids)."""
    if k < 1:
        raise InvalidInput(f"k must be at least 1 (got {k})", f"k는 1 이상이어야 합니다 (입력값 {k})")
    if not needs:
        raise InvalidInput("no required capability given", "필요 역량이 하나도 없습니다")
    c = constraints
    if c.max_members < 1:
        raise InvalidInput(f"max_members must be at least 1 (got {c.max_members})",
                           f"최대 구성원 수는 1 이상이어야 합니다 (입력값 {c.max_members})")
    if c.min_sme < 0:
        raise InvalidInput(f"min_sme must be 0 or more (got {c.min_sme})",
                           f"최소 중소·스타트업 수는 0 이상이어야 합니다 (입력값 {c.min_sme})")
    ids = [x.firm_id for x in candidates]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})
        raise InvalidInput(f"duplicate firm ids among candidates: {', '.join(dup[:5])}",
                           f"후보 기업 ID 중복: {', '.join(dup[:5])}")
    known = set(ids)
    for label_en, label_ko, group in (("must-include", "필수 포함", c.must_include),
                                      ("must-exclude", "제외", c.must_exclude)):
        unknown = sorted(group - known)
        if unknown:
            raise InvalidInput(f"unknown firm id in {label_en}: {', '.join(unknown)}",
                               f"{label_ko} 목록에 없는 기업 ID: {', '.join(unknown)}")
    both = sorted(c.must_include & c.must_exclude)
    if both:
        raise InvalidInput(f"firm both must-include and must-exclude: {', '.join(both)}",
                           f"필수 포함과 제외에 모두 있는 기업: {', '.join(both)}")
    if len(c.must_include) > c.max_members:
        raise InvalidInput(f"max_members ({c.max_members}) is smaller than the number of must-include firms "
                           f"({len(c.must_include)})", f"최대 구성원 수({c.max_members})가 필수 포함 기업 수"
                           f"({len(c.must_include)})보다 작습니다")
    for x in candidates:
        if x.size not in ("large", "middle", "sme", "startup", "public"):
            raise InvalidInput(f"firm {x.firm_id}: unknown size {x.size!r}",
                               f"기업 {x.firm_id}: 알 수 없는 규모 {x.size!r}")


def _group(x: Candidate) -> int:
    return 0 if x.can_lead else 1 if x.is_sme else 2


def _dominated(groups: Sequence[int], cov: Sequence[tuple[int, ...]], net: NDArray[np.float64],
               local: Sequence[bool], threshold: int, forced: Sequence[bool], n_needs: int) -> list[bool]:
    """Which firms have at least `threshold` dominators (see the module docstring)."""
    n = len(net)
    out = [False] * n
    # Rank: higher net first, ties by position, so domination is a strict order and counts are consistent.
    order = sorted(range(n), key=lambda i: (-float(net[i]), i))
    for g in (0, 1, 2):
        members = [i for i in order if groups[i] == g]
        if len(members) <= threshold:
            continue
        # Bitsets over rank positions within the group (Python ints): firms covering need j, local firms.
        by_need = [0] * n_needs
        loc = 0
        for pos, i in enumerate(members):
            bit = 1 << pos
            for j in cov[i]:
                by_need[j] |= bit
            if local[i]:
                loc |= bit
        for pos, i in enumerate(members):
            if pos < threshold or forced[i]:
                continue
            d = (1 << pos) - 1  # only higher-ranked firms can dominate
            for j in cov[i]:
                d &= by_need[j]
            if local[i]:
                d &= loc
            out[i] = d.bit_count() >= threshold
    return out


def build_instance(needs: Sequence[Need], candidates: Sequence[Candidate], constraints: Constraints,
                   k: int = 1, reduce: bool = True) -> Instance:
    """Validate, drop excluded and useless firms, apply the dominance reduction, and index cover sets."""
    validate(needs, candidates, constraints, k)
    c = constraints
    # index needs by capability key and by service so each firm's cover set costs O(its capabilities)
    exact: dict[str, list[int]] = {}
    by_service: dict[str, list[int]] = {}
    for j, nd in enumerate(needs):
        (exact if ":" in nd.capability else by_service).setdefault(nd.capability, []).append(j)
    pool: list[Candidate] = []
    pool_cov: list[tuple[int, ...]] = []
    for x in candidates:
        if x.firm_id in c.must_exclude:
            continue
        hit: set[int] = set()
        for cap, trl in x.capabilities.items():
            for j in exact.get(cap, []) + by_service.get(cap.split(":", 1)[0], []):
                floor = needs[j].min_trl
                if floor is None or trl >= floor:
                    hit.add(j)
        cov = tuple(sorted(hit))
        # a member must bring a needed capability, unless it could lead (an integrator) or is forced in
        if cov or x.can_lead or x.firm_id in c.must_include:
            pool.append(x)
            pool_cov.append(cov)
    n0 = len(pool)
    net = np.array([x.score - c.member_cost for x in pool], dtype=np.float64)
    if reduce and pool:
        groups = [_group(x) for x in pool]
        local = [x.in_country and c.require_in_country for x in pool]
        forced = [x.firm_id in c.must_include for x in pool]
        gone = _dominated(groups, pool_cov, net, local, c.max_members - 1 + k, forced, len(needs))
        keep = [i for i in range(len(pool)) if not gone[i]]
        pool = [pool[i] for i in keep]
        pool_cov = [pool_cov[i] for i in keep]
        net = net[np.array(keep, dtype=np.int64)]
    cover: list[list[int]] = [[] for _ in needs]
    for i, cov in enumerate(pool_cov):
        for j in cov:
            cover[j].append(i)
    return Instance(tuple(needs), tuple(pool), c, cover, pool_cov, net, n0 - len(pool))


def assemble(inst: Instance, chosen: Iterable[int], status: Status, gap: float) -> Consortium:
    """Turn chosen candidate indexes into a Consortium with roles (lead first, then by score)."""
    idx = sorted(chosen, key=lambda i: (-inst.candidates[i].score, inst.candidates[i].firm_id))
    leads = [i for i in idx if inst.candidates[i].can_lead]
    lead = leads[0] if leads else None
    members: list[Member] = []
    for i in ([lead] if lead is not None else []) + [i for i in idx if i != lead]:
        x = inst.candidates[i]
        members.append(Member(x.firm_id, "lead" if i == lead else "member", x.size,
                              tuple(inst.needs[j].capability for j in inst.covered_by[i]), x.score, x.name,
                              x.name_ko))
    score = float(sum(m.score for m in members))
    objective = float(sum(inst.net[i] for i in idx))
    return Consortium(tuple(members), round(objective, 9), round(score, 9), status, gap)
