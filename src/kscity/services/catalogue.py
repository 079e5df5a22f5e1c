"""Catalogue use cases: list, search, show, import, export, edit, template, sample and demo catalogues."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from sqlalchemy.orm import Session

from kscity.core.catalogue.generate import generate_catalogue
from kscity.core.catalogue.records import company_summary, company_to_dict, dicts_to_sheets, solution_to_dict
from kscity.core.catalogue.rows import ParseResult, RowError, Taxonomy, parse_sheets
from kscity.errors import InvalidInput, NotFound
from kscity.model.catalogue import Company
from kscity.services import catalogue_io
from kscity.store.queries import catalogue as q

ExportFormat = Literal["pdf", "xlsx", "json"]
SIZES = ("large", "middle", "sme", "startup", "public")
MAX_DEMO_FIRMS = 200_000


@cache
def taxonomy_data() -> dict[str, Any]:
    """The shipped taxonomy (seven services and sub-solutions) as parsed YAML."""
    data: dict[str, Any] = yaml.safe_load((files("kscity.reference") / "taxonomy.yaml").read_text("utf-8"))
    return data


@cache
def taxonomy() -> Taxonomy:
    """The taxonomy in the form row validation uses."""
    return Taxonomy.from_yaml(taxonomy_data())


def service_names(lang: str) -> dict[str, str]:
    """Service and sub-solution ids to their names in a language."""
    names: dict[str, str] = {}
    for svc in taxonomy_data()["services"]:
        names[svc["id"]] = svc[lang]
        for sub in svc.get("subs", []):
            names[sub["id"]] = sub[lang]
    return names


@cache
def _country_names() -> dict[str, str]:
    import pycountry
    from babel import Locale

    names: dict[str, str] = {}
    ko = Locale("ko").territories
    for c in pycountry.countries:
        for n in (c.alpha_3, c.alpha_2, c.name, getattr(c, "common_name", ""), ko.get(c.alpha_2, "")):
            if n:
                names[n.casefold()] = c.alpha_3
    return names


def resolve_country(text: str) -> str | None:
    """ISO3 code for an ISO2/ISO3 code or an English or Korean country name."""
    return _country_names().get(text.strip().casefold())


def make_filter(*, service: str | None = None, sub_solution: str | None = None, size: str | None = None,
                country: str | None = None, min_trl: int | None = None, q_text: str | None = None) -> q.CatalogueFilter:
    """Checked search filters; unknown names raise InvalidInput naming the field."""
    tax = taxonomy()
    if service and service not in tax.subs:
        raise InvalidInput(f"service: unknown {service!r}; expected one of {', '.join(tax.subs)}",
                           f"service(서비스): 알 수 없는 값 {service!r}; {', '.join(tax.subs)} 중 하나")
    if sub_solution and not any(sub_solution in subs for subs in tax.subs.values()):
        raise InvalidInput(f"sub_solution: unknown {sub_solution!r}",
                           f"sub_solution(세부 솔루션): 알 수 없는 값 {sub_solution!r}")
    if size and size not in SIZES:
        raise InvalidInput(f"size: unknown {size!r}; expected one of {', '.join(SIZES)}",
                           f"size(규모): 알 수 없는 값 {size!r}; {', '.join(SIZES)} 중 하나")
    iso3 = None
    if country:
        iso3 = resolve_country(country)
        if iso3 is None:
            raise InvalidInput(f"country: unknown {country!r}", f"country(국가): 알 수 없는 값 {country!r}")
    if min_trl is not None and not 1 <= min_trl <= 9:
        raise InvalidInput(f"min_trl must be between 1 and 9 (got {min_trl})",
                           f"min_trl(최소 기술성숙도)은 1에서 9 사이여야 합니다 (입력값 {min_trl})")
    return q.CatalogueFilter(service=service or None, sub_solution=sub_solution or None, size=size or None,
                             country=iso3, min_trl=min_trl, q=q_text or None)


@dataclass
class ImportReport:
    """The outcome of an import: counts, and the row errors that refused it (then nothing was written)."""

    imported: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def refused(self) -> bool:
        """Whether the file was refused (any error)."""
        return bool(self.errors)

    def as_dict(self, locale: str = "en") -> dict[str, Any]:
        """The JSON shape: imported, updated, errors [{row, column, message}], dry_run."""
        return {"imported": self.imported, "updated": self.updated, "dry_run": self.dry_run,
                "errors": [e.as_dict(locale) for e in self.errors]}


def parse_file(path: Path) -> ParseResult:
    """Read and validate a catalogue file (XLSX, CSV or JSON) without touching the database."""
    try:
        sheets, close = catalogue_io.read_sheets(path)
    except catalogue_io.UnreadableFile as exc:
        return ParseResult([], [RowError(path.name, None, None, exc.message_en, exc.message_ko)], set())
    try:
        return parse_sheets(sheets, taxonomy(), resolve_country)
    except Exception as exc:  # a damaged workbook part surfaces only while reading rows
        if isinstance(exc, KeyboardInterrupt | MemoryError):
            raise
        return ParseResult([], [RowError(path.name, None, None, f"{path.name} cannot be read: {exc}",
                                         f"{path.name}을(를) 읽을 수 없습니다: {exc}")], set())
    finally:
        close()


def _store(session: Session, result: ParseResult, dry_run: bool) -> ImportReport:
    if result.errors:
        return ImportReport(errors=result.errors, dry_run=dry_run)
    if dry_run:
        known = q.existing_ids(session, (c.brn for c in result.companies))
        return ImportReport(imported=len(result.companies) - len(known), updated=len(known), dry_run=True)
    inserted, updated = q.upsert_companies(session, result.companies, set(result.sheets))
    return ImportReport(imported=inserted, updated=updated)


def import_catalogue(*, session: Session, path: Path, dry_run: bool = False) -> ImportReport:
    """Import a file all-or-nothing, upserting by registration number; errors mean nothing was written."""
    return _store(session, parse_file(path), dry_run)


def import_records(*, session: Session, records: Sequence[Mapping[str, Any]], dry_run: bool = False) -> ImportReport:
    """Import company dicts (the JSON shape) through the same checks as a file."""
    return _store(session, parse_sheets(dicts_to_sheets(records), taxonomy(), resolve_country), dry_run)


def list_companies(*, session: Session, filters: q.CatalogueFilter | None = None, limit: int | None = None,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Catalogue entries matching the filters, and their total."""
    companies, total = q.search_companies(session, filters or q.CatalogueFilter(), limit=limit, offset=offset)
    return [company_summary(c) for c in companies], total


def list_solutions(*, session: Session, filters: q.CatalogueFilter | None = None, limit: int | None = None,
                   offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Solutions matching the filters (each with its company's id and names), and their total."""
    rows, total = q.search_solutions(session, filters or q.CatalogueFilter(), limit=limit, offset=offset)
    return [{**solution_to_dict(s), "company": {"id": cid, "name": {"ko": ko, "en": en}}, "sample": sample}
            for s, cid, ko, en, sample in rows], total


def get_company(*, session: Session, company_id: int) -> Company:
    """One company as a domain value; NotFound when absent."""
    company = q.company_by_id(session, company_id)
    if company is None:
        raise NotFound(f"no company with id {company_id}", f"id {company_id}인 기업이 없습니다")
    return company


def show_company(*, session: Session, company_id: int) -> dict[str, Any]:
    """One company with everything it holds."""
    return company_to_dict(get_company(session=session, company_id=company_id))


def show_solution(*, session: Session, solution_id: int) -> dict[str, Any]:
    """One solution with its deployments and its company's summary."""
    found = q.solution_by_id(session, solution_id)
    if found is None:
        raise NotFound(f"no solution with id {solution_id}", f"id {solution_id}인 솔루션이 없습니다")
    solution, company = found
    return {**solution_to_dict(solution), "company": company_summary(company), "sample": company.sample}


def _one_company(data: Mapping[str, Any]) -> Company:
    result = parse_sheets(dicts_to_sheets([data]), taxonomy(), resolve_country)
    if result.errors:
        detail = [e.as_dict() for e in result.errors]
        raise InvalidInput("; ".join(f"{e.sheet} {e.column}: {e.message_en}" for e in result.errors),
                           "; ".join(f"{e.sheet} {e.column}: {e.message_ko}" for e in result.errors), details=detail)
    return result.companies[0]


def save_company(*, session: Session, data: Mapping[str, Any], company_id: int | None = None) -> dict[str, Any]:
    """Create (company_id None) or overwrite a company from its JSON shape, with the import's checks."""
    company = _one_company(data)
    clash = q.existing_ids(session, [company.brn]).get(company.brn)
    if clash is not None and clash != company_id:
        raise InvalidInput(f"brn: {company.brn} already belongs to company {clash}",
                           f"brn(사업자등록번호): {company.brn}는 이미 기업 {clash}의 번호입니다")
    if company_id is None:
        q.upsert_companies(session, [company], {"solutions", "exports"})
        new_id = q.existing_ids(session, [company.brn])[company.brn]
        return show_company(session=session, company_id=new_id)
    get_company(session=session, company_id=company_id)
    q.update_company(session, company_id, company)
    return show_company(session=session, company_id=company_id)


def delete_company(*, session: Session, company_id: int) -> None:
    """Remove a company with its solutions, exports and capabilities; NotFound when absent."""
    if not q.delete_company(session, company_id):
        raise NotFound(f"no company with id {company_id}", f"id {company_id}인 기업이 없습니다")


def export_catalogue(*, session: Session, fmt: ExportFormat, lang: str, output: Path,
                     filters: q.CatalogueFilter | None = None) -> int:
    """Write the catalogue (or the filtered part) as PDF, XLSX (the template) or JSON; returns firms written."""
    if lang not in ("ko", "en"):
        raise InvalidInput(f"lang must be ko or en (got {lang!r})", f"lang은 ko 또는 en이어야 합니다 ({lang!r})")
    companies, _ = q.search_companies(session, filters or q.CatalogueFilter())
    if fmt == "json":
        catalogue_io.write_json(output, [company_to_dict(c) for c in companies])
    elif fmt == "xlsx":
        catalogue_io.write_workbook(output, companies, lang)
    elif fmt == "pdf":
        from kscity.services.catalogue_pdf import write_pdf

        write_pdf(output, companies, lang, taxonomy_data())
    else:
        raise InvalidInput(f"format must be pdf, xlsx or json (got {fmt!r})",
                           f"format은 pdf, xlsx, json 중 하나여야 합니다 ({fmt!r})")
    return len(companies)


def write_template(*, output: Path, lang: str) -> None:
    """Write the empty import template (sheets, headers and a guide) in Korean or English."""
    catalogue_io.write_workbook(output, [], lang)


def sample_records() -> list[dict[str, Any]]:
    """The shipped sample catalogue (invented firms, all marked sample) as company dicts."""
    text = (files("kscity.reference") / "sample_catalogue" / "companies.yaml").read_text("utf-8")
    data: list[dict[str, Any]] = yaml.safe_load(text)
    return data


def load_sample_catalogue(*, session: Session) -> int:
    """Load (or refresh) the sample catalogue; returns the number of sample firms. Idempotent."""
    report = import_records(session=session, records=sample_records())
    if report.errors:  # the shipped file is checked by a test; this guards against a broken edit
        raise InvalidInput("the shipped sample catalogue is invalid: " + report.errors[0].message_en,
                           "내장 샘플 카탈로그가 올바르지 않습니다: " + report.errors[0].message_ko)
    return report.imported + report.updated


def demo_catalogue(*, session: Session | None, firms: int, seed: int, output: Path | None = None,
                   lang: str = "ko") -> dict[str, Any]:
    """Generate a synthetic catalogue with the plan's mix: write it as XLSX, or store it when no output."""
    if not 1 <= firms <= MAX_DEMO_FIRMS:
        raise InvalidInput(f"firms must be between 1 and {MAX_DEMO_FIRMS:,} (got {firms})",
                           f"firms(기업 수)는 1에서 {MAX_DEMO_FIRMS:,} 사이여야 합니다 (입력값 {firms})")
    companies = generate_catalogue(firms, np.random.default_rng(seed), taxonomy_data())
    if output is not None:
        catalogue_io.write_workbook(output, companies, lang)
        return {"firms": len(companies), "output": str(output)}
    assert session is not None
    inserted, updated = q.upsert_companies(session, companies, {"solutions", "exports"})
    return {"firms": len(companies), "imported": inserted, "updated": updated}
