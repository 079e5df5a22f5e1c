"""Catalogue queries: companies and solutions read as domain values, filtered search, upsert. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session, selectinload

from kscity.model.catalogue import Company, Deployment, ExportRecord, Solution
from kscity.store.chunks import in_chunks
from kscity.store.tables.catalogue import CapabilityRow, CompanyRow, DeploymentRow, ExportRecordRow, SolutionRow


@dataclass(frozen=True)
class CatalogueFilter:
    """Search filters shared by the CLI, the API and the pages; None means 'any'."""

    service: str | None = None
    sub_solution: str | None = None
    size: str | None = None
    country: str | None = None  # ISO3: exported to or deployed in
    min_trl: int | None = None
    q: str | None = None  # words, each matched in names and descriptions (ko or en)


def _terms(q: str | None) -> list[str]:
    return [t.lower() for t in (q or "").split() if t.strip()]


def company_search_text(c: Company) -> str:
    """What full-text search looks in for a company: its names and its solutions' names and descriptions."""
    parts = [c.name_ko, c.name_en, c.headquarters, c.size]
    for s in c.solutions:
        parts += [s.name_ko, s.name_en, s.description_ko, s.description_en, s.service, s.sub_solution or ""]
    return " ".join(parts).lower()


def solution_search_text(s: Solution, c: Company) -> str:
    """What full-text search looks in for a solution: its own text and its company's names."""
    return " ".join([s.name_ko, s.name_en, s.description_ko, s.description_en, s.service, s.sub_solution or "",
                     *s.standards, c.name_ko, c.name_en]).lower()


def _country_experience(country: str) -> ColumnElement[bool]:
    deployed = (select(DeploymentRow.id).join(SolutionRow, SolutionRow.id == DeploymentRow.solution_id)
                .where(SolutionRow.company_id == CompanyRow.id, DeploymentRow.country == country))
    exported = select(ExportRecordRow.id).where(ExportRecordRow.company_id == CompanyRow.id,
                                                ExportRecordRow.country == country)
    return or_(exists(exported), exists(deployed))


def _solution_conditions(f: CatalogueFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if f.service:
        conds.append(SolutionRow.service == f.service)
    if f.sub_solution:
        conds.append(SolutionRow.sub_solution == f.sub_solution)
    if f.min_trl is not None:
        conds.append(SolutionRow.trl >= f.min_trl)
    return conds


def _company_query(f: CatalogueFilter) -> Select[CompanyRow]:
    stmt = select(CompanyRow)
    if f.size:
        stmt = stmt.where(CompanyRow.size == f.size)
    if f.country:
        stmt = stmt.where(_country_experience(f.country))
    sol = _solution_conditions(f)
    if sol:
        stmt = stmt.where(exists(select(SolutionRow.id).where(SolutionRow.company_id == CompanyRow.id, *sol)))
    for term in _terms(f.q):
        stmt = stmt.where(CompanyRow.search_text.contains(term, autoescape=True))
    return stmt


def _solution_query(f: CatalogueFilter) -> Select[SolutionRow]:
    stmt = select(SolutionRow).join(CompanyRow, CompanyRow.id == SolutionRow.company_id)
    stmt = stmt.where(*_solution_conditions(f))
    if f.size:
        stmt = stmt.where(CompanyRow.size == f.size)
    if f.country:
        stmt = stmt.where(_country_experience(f.country))
    for term in _terms(f.q):
        stmt = stmt.where(SolutionRow.search_text.contains(term, autoescape=True))
    return stmt


_FULL = (selectinload(CompanyRow.solutions).selectinload(SolutionRow.deployments),
         selectinload(CompanyRow.exports), selectinload(CompanyRow.capabilities))


def to_company(row: CompanyRow) -> Company:
    """A stored company (with its solutions, exports and capabilities) as a domain value."""
    return Company(
        id=row.id, brn=row.brn, name_ko=row.name_ko, name_en=row.name_en, size=row.size,  # type: ignore[arg-type]
        public_corporation=row.public_corporation, member_since=row.member_since, headquarters=row.headquarters,
        website=row.website, contact=row.contact, sample=row.sample,
        solutions=tuple(to_solution(s) for s in row.solutions),
        exports=tuple(ExportRecord(e.country, e.year, e.value_usd, e.product) for e in row.exports),
        capabilities=tuple((c.service, c.sub_solution or None) for c in row.capabilities))


def to_solution(s: SolutionRow) -> Solution:
    """A stored solution (with its deployments) as a domain value."""
    return Solution(
        id=s.id, key=s.key, name_ko=s.name_ko, name_en=s.name_en, service=s.service, sub_solution=s.sub_solution,
        kind=s.kind, trl=s.trl, description_ko=s.description_ko,  # type: ignore[arg-type]
        description_en=s.description_en, standards=tuple(s.standards), codes=tuple(s.codes),
        deployments=tuple(Deployment(d.city, d.country, d.year, d.client, d.value_usd) for d in s.deployments))


def all_companies(session: Session) -> list[Company]:
    """Every company with solutions, deployments, exports and capabilities (for matching and consortia)."""
    rows = session.scalars(select(CompanyRow).options(*_FULL).order_by(CompanyRow.id))
    return [to_company(r) for r in rows]


def company_by_id(session: Session, company_id: int) -> Company | None:
    """One company by database id, or None."""
    row = session.scalars(select(CompanyRow).options(*_FULL).where(CompanyRow.id == company_id)).first()
    return to_company(row) if row else None


def company_by_brn(session: Session, brn: str) -> Company | None:
    """One company by registration number (123-45-67890), or None."""
    row = session.scalars(select(CompanyRow).options(*_FULL).where(CompanyRow.brn == brn)).first()
    return to_company(row) if row else None


def solution_by_id(session: Session, solution_id: int) -> tuple[Solution, Company] | None:
    """One solution with its company, or None."""
    row = session.get(SolutionRow, solution_id)
    if row is None:
        return None
    company = company_by_id(session, row.company_id)
    assert company is not None  # a solution always belongs to a company (FK)
    return to_solution(row), company


def search_companies(session: Session, f: CatalogueFilter, *, limit: int | None = None,
                     offset: int = 0) -> tuple[list[Company], int]:
    """Companies matching the filters (full values) and the total count before paging."""
    base = _company_query(f)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    stmt = base.options(*_FULL).order_by(CompanyRow.name_ko, CompanyRow.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [to_company(r) for r in session.scalars(stmt)], total


def search_solutions(session: Session, f: CatalogueFilter, *, limit: int | None = None,
                     offset: int = 0) -> tuple[list[tuple[Solution, int, str, str, bool]], int]:
    """Solutions matching the filters as (solution, company id, company ko, company en, sample), and the total."""
    base = _solution_query(f)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    stmt = (base.add_columns(CompanyRow.name_ko, CompanyRow.name_en, CompanyRow.sample)
            .options(selectinload(SolutionRow.deployments))
            .order_by(SolutionRow.service, SolutionRow.name_ko, SolutionRow.id).offset(offset))
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = session.execute(stmt).all()
    return [(to_solution(r[0]), r[0].company_id, r[1], r[2], r[3]) for r in rows], total


def existing_ids(session: Session, brns: Iterable[str]) -> dict[str, int]:
    """Database ids of the registration numbers already stored."""
    found: dict[str, int] = {}
    for chunk in in_chunks(list(brns)):
        found.update(dict(session.execute(select(CompanyRow.brn, CompanyRow.id)
                                          .where(CompanyRow.brn.in_(chunk))).all()))
    return found


def _company_values(c: Company, search_text: str) -> dict[str, Any]:
    return {"brn": c.brn, "name_ko": c.name_ko, "name_en": c.name_en, "size": c.size,
            "public_corporation": c.public_corporation, "member_since": c.member_since,
            "headquarters": c.headquarters, "website": c.website, "contact": c.contact, "sample": c.sample,
            "search_text": search_text}


def _stored_solutions(session: Session, company_ids: list[int]) -> dict[int, list[Solution]]:
    found: dict[int, list[Solution]] = {}
    for chunk in in_chunks(company_ids):
        rows = session.scalars(select(SolutionRow).where(SolutionRow.company_id.in_(chunk))
                               .order_by(SolutionRow.id))
        for r in rows:
            found.setdefault(r.company_id, []).append(replace(to_solution(r), deployments=()))
    return found


def _old_solution_ids(session: Session, company_ids: list[int]) -> dict[tuple[int, str], int]:
    found: dict[tuple[int, str], int] = {}
    for chunk in in_chunks(company_ids):
        rows = session.execute(select(SolutionRow.company_id, SolutionRow.key, SolutionRow.id)
                               .where(SolutionRow.company_id.in_(chunk)))
        found.update({(cid, key): sid for cid, key, sid in rows})
    return found


def _delete_children(session: Session, company_ids: list[int], children: set[str], drop: list[int]) -> None:
    for chunk in in_chunks(company_ids):
        if "solutions" in children:
            sol_ids = select(SolutionRow.id).where(SolutionRow.company_id.in_(chunk))
            session.execute(delete(DeploymentRow).where(DeploymentRow.solution_id.in_(sol_ids)))
        if "exports" in children:
            session.execute(delete(ExportRecordRow).where(ExportRecordRow.company_id.in_(chunk)))
        session.execute(delete(CapabilityRow).where(CapabilityRow.company_id.in_(chunk)))
    for chunk in in_chunks(drop):
        session.execute(delete(SolutionRow).where(SolutionRow.id.in_(chunk)))


def _solution_values(cid: int, s: Solution, c: Company) -> dict[str, Any]:
    return {"company_id": cid, "key": s.key, "name_ko": s.name_ko, "name_en": s.name_en, "service": s.service,
            "sub_solution": s.sub_solution, "kind": s.kind, "trl": s.trl, "description_ko": s.description_ko,
            "description_en": s.description_en, "standards": list(s.standards), "codes": list(s.codes),
            "search_text": solution_search_text(s, c)}


def _write(session: Session, rows: list[tuple[int | None, Company]], children: set[str]) -> None:
    """Bulk write: upsert companies, then their children (set-based); solution ids stay stable per code."""
    old_ids = [cid for cid, _ in rows if cid is not None]
    old_sols = _old_solution_ids(session, old_ids) if "solutions" in children else {}
    wanted = {(cid, s.key) for cid, c in rows if cid is not None for s in c.solutions}
    _delete_children(session, old_ids, children, [sid for k, sid in old_sols.items() if k not in wanted])
    kept = _stored_solutions(session, old_ids) if "solutions" not in children and old_ids else {}

    def text(cid: int | None, c: Company) -> str:
        if "solutions" in children or cid is None:
            return company_search_text(c)
        return company_search_text(replace(c, solutions=tuple(kept.get(cid, ()))))

    updates = [{"id": cid, **_company_values(c, text(cid, c))} for cid, c in rows if cid is not None]
    if updates:
        session.execute(update(CompanyRow), updates)
    new = [c for cid, c in rows if cid is None]
    ids = {cid: c for cid, c in rows if cid is not None}
    if new:
        returned = session.execute(insert(CompanyRow).returning(CompanyRow.id, sort_by_parameter_order=True),
                                   [_company_values(c, text(None, c)) for c in new]).scalars().all()
        ids.update(zip(returned, new, strict=True))
    caps = [{"company_id": cid, "service": s, "sub_solution": sub or "", "position": i}
            for cid, c in ids.items() for i, (s, sub) in enumerate(dict.fromkeys(c.capabilities))]
    if caps:
        session.execute(insert(CapabilityRow), caps)
    old_set = set(old_ids)
    fresh = set(ids) if "solutions" in children else set(ids) - old_set
    sols = [(cid, s, c) for cid, c in ids.items() if cid in fresh for s in c.solutions]
    changed = [{"id": old_sols[cid, s.key], **_solution_values(cid, s, c)} for cid, s, c in sols
               if (cid, s.key) in old_sols]
    if changed:
        session.execute(update(SolutionRow), changed)
    added = [(cid, s, c) for cid, s, c in sols if (cid, s.key) not in old_sols]
    sol_ids = {(cid, s.key): old_sols[cid, s.key] for cid, s, c in sols if (cid, s.key) in old_sols}
    if added:
        returned = session.execute(insert(SolutionRow).returning(SolutionRow.id, sort_by_parameter_order=True),
                                   [_solution_values(cid, s, c) for cid, s, c in added]).scalars().all()
        sol_ids.update({(cid, s.key): sid for sid, (cid, s, _) in zip(returned, added, strict=True)})
    deps = [{"solution_id": sol_ids[cid, s.key], "city": d.city, "country": d.country, "year": d.year,
             "client": d.client, "value_usd": d.value_usd} for cid, s, _ in sols for d in s.deployments]
    if deps:
        session.execute(insert(DeploymentRow), deps)
    exp_fresh = set(ids) if "exports" in children else set(ids) - old_set
    exports = [{"company_id": cid, "country": e.country, "year": e.year, "value_usd": e.value_usd,
                "product": e.product} for cid, c in ids.items() if cid in exp_fresh for e in c.exports]
    if exports:
        session.execute(insert(ExportRecordRow), exports)
    # Rows changed behind the identity map's back: make later reads in this session see the database.
    session.expire_all()


def upsert_companies(session: Session, companies: Sequence[Company], children: set[str]) -> tuple[int, int]:
    """Insert or update companies by registration number; replace the child sheets named. (inserted, updated)."""
    known = existing_ids(session, (c.brn for c in companies))
    rows = [(known.get(c.brn), c) for c in companies]
    _write(session, rows, children)
    return sum(1 for cid, _ in rows if cid is None), len(known)


def update_company(session: Session, company_id: int, company: Company) -> None:
    """Overwrite one company's fields, solutions, exports and capabilities (used by edit forms)."""
    _write(session, [(company_id, company)], {"solutions", "exports"})


def delete_company(session: Session, company_id: int) -> bool:
    """Remove a company and everything it owns; whether it existed."""
    row = session.get(CompanyRow, company_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def count_companies(session: Session) -> int:
    """How many companies are stored."""
    return session.scalar(select(func.count()).select_from(CompanyRow)) or 0


def annual_exports_by_company(session: Session, year: int) -> dict[int, float]:
    """Export totals per company id for one year."""
    rows = session.execute(select(ExportRecordRow.company_id, func.sum(ExportRecordRow.value_usd))
                           .where(ExportRecordRow.year == year).group_by(ExportRecordRow.company_id))
    return {int(cid): float(total) for cid, total in rows}

