"""Consortium use cases: propose the k best teams for an opportunity, save a draft with notes, export it.

Needs come from the opportunity's classification or from the user (SERVICE[:SUB][@TRL]); candidates are the
catalogue firms with their match scores for this opportunity (services.matching); the solver is the pure
core (kscity.core.consortium, HiGHS). Export writes XLSX (openpyxl) or a ko/en PDF (reportlab).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kscity.core.consortium import Consortium, Constraints, Need, best_consortia, candidate_from_company, parse_need
from kscity.core.consortium import needs_from_classification as default_needs
from kscity.errors import InvalidInput, NotFound
from kscity.model.times import utc_naive
from kscity.services.matching import firm_index, firm_scores
from kscity.store.tables.consortium import ConsortiumDraftRow
from kscity.store.tables.reference import ServiceRow, SubSolutionRow


@dataclass(frozen=True)
class TeamRules:
    """The user's constraints as the shells pass them (firm ids as text)."""

    k: int = 5
    max_members: int = 6
    min_sme: int = 1
    must: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    in_country: bool = False
    max_large: int | None = 1  # one large/public firm (the lead) unless the user allows more
    needs: tuple[str, ...] = field(default_factory=tuple)  # SERVICE[:SUB][@TRL]; empty → from classification


def _check_taxonomy(session: Session, needs: Sequence[Need]) -> None:
    services = set(session.scalars(select(ServiceRow.id)))
    subs = {(b.service_id, b.id) for b in session.scalars(select(SubSolutionRow))}
    for nd in needs:
        service, _, sub = nd.capability.partition(":")
        if service not in services:
            raise InvalidInput(f"--need {nd.capability!r}: unknown service '{service}' (known: "
                               f"{', '.join(sorted(services))})",
                               f"--need {nd.capability!r}: 알 수 없는 서비스 '{service}' (가능: "
                               f"{', '.join(sorted(services))})")
        if sub and (service, sub) not in subs:
            known = sorted(b for s, b in subs if s == service)
            raise InvalidInput(f"--need {nd.capability!r}: unknown sub-solution '{sub}' of '{service}' (known: "
                               f"{', '.join(known)})", f"--need {nd.capability!r}: '{service}'에 세부 솔루션 "
                               f"'{sub}'이(가) 없습니다 (가능: {', '.join(known)})")


def member_json(m: Any) -> dict[str, Any]:
    """The public shape of a member."""
    return {"firm_id": m.firm_id, "firm": m.name, "firm_ko": m.name_ko or m.name, "role": m.role, "size": m.size,
            "covers": list(m.covers), "score": round(m.score, 4)}


def consortium_json(c: Consortium) -> dict[str, Any]:
    """The public shape of a consortium."""
    return {"members": [member_json(m) for m in c.members], "score": round(c.score, 6),
            "match_total": round(c.match_total, 6), "status": c.status, "gap": round(c.gap, 6)}


def propose_consortia(*, session: Session, ocid: str, rules: TeamRules) -> dict[str, Any]:
    """The k best consortia for an opportunity, or the reasons none exists; InvalidInput/NotFound for bad input."""
    needs = [parse_need(n) for n in rules.needs]
    opp, scores = firm_scores(session=session, ocid=ocid)
    if not needs:
        needs = default_needs(opp.classification)
        if not needs:
            raise InvalidInput(f"opportunity '{ocid}' is not classified as smart-city: give the needs with --need "
                               "SERVICE[:SUB]", f"사업 기회 '{ocid}'은(는) 스마트시티로 분류되지 않았습니다: --need "
                               "SERVICE[:SUB]로 필요 역량을 지정하세요")
    _check_taxonomy(session, needs)
    if rules.k < 1:
        raise InvalidInput(f"k must be at least 1 (got {rules.k})", f"k는 1 이상이어야 합니다 (입력값 {rules.k})")
    country = opp.notice.country
    firms = firm_index(session=session).firms
    candidates = [candidate_from_company(f.firm_id, f.company, scores.get(f.firm_id, 0.0), country) for f in firms]
    constraints = Constraints(max_members=rules.max_members, min_sme=rules.min_sme,
                              must_include=frozenset(rules.must), must_exclude=frozenset(rules.exclude),
                              require_in_country=rules.in_country, max_large=rules.max_large)
    res = best_consortia(needs, candidates, constraints, k=rules.k)
    return {"ocid": opp.notice.ocid, "title": opp.notice.title, "country": country,
            "needs": [n.capability + (f"@{n.min_trl}" if n.min_trl is not None else "") for n in needs],
            "constraints": asdict(rules) | {"needs": None},
            "consortia": [consortium_json(c) for c in res.consortia], "infeasible": res.infeasible,
            "reasons": [{"code": r.code, "subject": r.subject, "en": r.en, "ko": r.ko} for r in res.reasons],
            "seconds": round(res.seconds, 4)}


def save_draft(*, session: Session, proposal: dict[str, Any], rank: int = 1, name: str = "", notes: str = "",
               now: datetime | None = None) -> int:
    """Save the proposal's consortium number `rank` (1 = best) as a draft; returns the draft id."""
    teams = proposal.get("consortia") or []
    if not 1 <= rank <= len(teams):
        raise InvalidInput(f"rank must be between 1 and {len(teams)} (got {rank})" if teams else
                           "no consortium to save: the proposal is infeasible",
                           f"순위는 1~{len(teams)} 사이여야 합니다 (입력값 {rank})" if teams else
                           "저장할 컨소시엄이 없습니다: 구성할 수 없는 조건입니다")
    team = teams[rank - 1]
    row = ConsortiumDraftRow(ocid=proposal["ocid"], title=proposal.get("title") or "", name=name[:200], notes=notes,
                             needs=list(proposal["needs"]), constraints=dict(proposal.get("constraints") or {}),
                             members=team["members"], score=team["score"], status=team["status"], gap=team["gap"],
                             created_at=utc_naive(now))
    session.add(row)
    session.flush()
    return row.id


def draft_json(r: ConsortiumDraftRow) -> dict[str, Any]:
    """The public shape of a saved draft."""
    return {"id": r.id, "ocid": r.ocid, "title": r.title, "name": r.name, "notes": r.notes, "needs": r.needs,
            "constraints": r.constraints, "members": r.members, "score": r.score, "status": r.status, "gap": r.gap,
            "created_at": r.created_at.isoformat()}


def get_draft(*, session: Session, draft_id: int) -> dict[str, Any]:
    """One saved draft; NotFound when absent."""
    row = session.get(ConsortiumDraftRow, draft_id)
    if row is None:
        raise NotFound(f"no consortium draft with id {draft_id}", f"컨소시엄 초안 {draft_id}번이 없습니다")
    return draft_json(row)


def list_drafts(*, session: Session, ocid: str | None = None) -> list[dict[str, Any]]:
    """Saved drafts, newest first (of one opportunity when given)."""
    stmt = select(ConsortiumDraftRow).order_by(ConsortiumDraftRow.id.desc())
    if ocid:
        stmt = stmt.where(ConsortiumDraftRow.ocid == ocid)
    return [draft_json(r) for r in session.scalars(stmt)]


def export_draft(*, session: Session, draft_id: int, fmt: str, lang: str = "ko") -> bytes:
    """A saved draft as XLSX or PDF (Korean or English) bytes, for a bid meeting."""
    from kscity.services import consortium_export as ex

    if fmt not in ("xlsx", "pdf") or lang not in ("ko", "en"):
        raise InvalidInput(f"export format must be xlsx or pdf and language ko or en (got {fmt}, {lang})",
                           f"내보내기 형식은 xlsx 또는 pdf, 언어는 ko 또는 en이어야 합니다 ({fmt}, {lang})")
    draft = get_draft(session=session, draft_id=draft_id)
    return ex.draft_xlsx(draft, lang) if fmt == "xlsx" else ex.draft_pdf(draft, lang)
