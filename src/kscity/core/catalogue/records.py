"""Companies as plain dicts (the JSON export and the sample YAML) and back into sheet rows for validation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kscity.core.catalogue.layout import SHEETS, SheetId
from kscity.model.catalogue import Company, Solution


def solution_to_dict(s: Solution) -> dict[str, Any]:
    """A solution as JSON-ready data."""
    return {
        "id": s.id, "key": s.key, "name": {"ko": s.name_ko, "en": s.name_en}, "service": s.service,
        "sub_solution": s.sub_solution, "kind": s.kind, "trl": s.trl,
        "description": {"ko": s.description_ko, "en": s.description_en},
        "standards": list(s.standards), "codes": list(s.codes),
        "deployments": [{"city": d.city, "country": d.country, "year": d.year, "client": d.client,
                         "value_usd": d.value_usd} for d in s.deployments],
    }


def company_services(c: Company) -> list[str]:
    """The services a company covers, from its solutions and stated capabilities, in first-seen order."""
    return list(dict.fromkeys([*(s.service for s in c.solutions), *(svc for svc, _ in c.capabilities)]))


def company_summary(c: Company) -> dict[str, Any]:
    """The catalogue list entry: id, names, size, services, solutions, sample."""
    return {
        "id": c.id, "brn": c.brn, "name": {"ko": c.name_ko, "en": c.name_en}, "size": c.size,
        "public_corporation": c.public_corporation, "services": company_services(c),
        "solutions": [{"id": s.id, "key": s.key, "name": {"ko": s.name_ko, "en": s.name_en}, "service": s.service,
                       "sub_solution": s.sub_solution, "trl": s.trl} for s in c.solutions],
        "sample": c.sample,
    }


def company_to_dict(c: Company) -> dict[str, Any]:
    """A company with everything it holds, as JSON-ready data (the JSON export and `show`)."""
    return {
        "id": c.id, "brn": c.brn, "name": {"ko": c.name_ko, "en": c.name_en}, "size": c.size,
        "public_corporation": c.public_corporation, "member_since": c.member_since,
        "headquarters": c.headquarters, "website": c.website, "contact": c.contact, "sample": c.sample,
        "services": company_services(c),
        "capabilities": [{"service": s, "sub_solution": sub} for s, sub in c.capabilities],
        "solutions": [solution_to_dict(s) for s in c.solutions],
        "exports": [{"country": e.country, "year": e.year, "value_usd": e.value_usd, "product": e.product}
                    for e in c.exports],
    }


def _name(d: Mapping[str, Any], key: str, lang: str) -> Any:
    v = d.get(key)
    return v.get(lang) if isinstance(v, Mapping) else d.get(f"{key}_{lang}")


def dicts_to_sheets(companies: Iterable[Mapping[str, Any]]) -> list[tuple[str, list[Sequence[object]]]]:
    """Company dicts (JSON export or sample YAML) as sheet rows with field-id headers, for `parse_sheets`."""
    fields: dict[SheetId, list[str]] = {s.id: [c.field for c in s.columns] for s in SHEETS}
    rows: dict[SheetId, list[Sequence[object]]] = {k: [v] for k, v in fields.items()}
    for d in companies:
        brn = d.get("brn")
        caps = "; ".join(f"{c['service']}/{c['sub_solution']}" if c.get("sub_solution") else str(c["service"])
                         for c in d.get("capabilities") or [])
        rows["companies"].append([brn, _name(d, "name", "ko"), _name(d, "name", "en"), d.get("size"),
                                  d.get("public_corporation", False), d.get("member_since"),
                                  d.get("headquarters"), d.get("website"), d.get("contact"), caps,
                                  d.get("sample", False)])
        for s in d.get("solutions") or []:
            rows["solutions"].append([
                brn, s.get("key"), _name(s, "name", "ko"), _name(s, "name", "en"), s.get("service"),
                s.get("sub_solution"), s.get("kind"), s.get("trl"), _name(s, "description", "ko"),
                _name(s, "description", "en"), "; ".join(s.get("standards") or []), "; ".join(s.get("codes") or [])])
            for dep in s.get("deployments") or []:
                rows["deployments"].append([brn, s.get("key"), dep.get("city"), dep.get("country"), dep.get("year"),
                                            dep.get("client"), dep.get("value_usd")])
        for e in d.get("exports") or []:
            rows["exports"].append([brn, e.get("country"), e.get("year"), e.get("value_usd"), e.get("product")])
    return [(sheet.id, rows[sheet.id]) for sheet in SHEETS]
