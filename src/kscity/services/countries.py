"""The country one-stop profile (business environment, ordering, support) and the country list."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kscity.core.country_search import CountryName, find_country
from kscity.core.eligibility import CountryTerms, EligibilitySettings, ProjectTerms, eligible_instruments
from kscity.core.strategy import solution_level
from kscity.errors import InvalidInput, NotFound
from kscity.services.opportunities import pipeline_summary
from kscity.store.queries import countries as q
from kscity.store.tables.reference import CountryRow

INCOME_LABELS = {"L": ("Low income", "저소득"), "LM": ("Lower-middle income", "중저소득"),
                 "UM": ("Upper-middle income", "중고소득"), "H": ("High income", "고소득")}
PLAN_GROUPS = {"new_southern": ("New Southern (ASEAN, India)", "신남방(아세안·인도)"),
               "new_northern": ("New Northern", "신북방"), "middle_east": ("Middle East", "중동"),
               "latin_america": ("Latin America", "중남미"), "africa": ("Africa", "아프리카"),
               "developed": ("Developed economies", "선진국")}
KOTRA_SECTORS = {"smart_infrastructure": ("Smart infrastructure (transport, energy, telecom)",
                                          "스마트 인프라(교통·에너지·통신)"),
                 "welfare_services": ("Welfare and services (e-government, medical, education)",
                                      "복지·서비스(전자정부·의료·교육)"),
                 "disaster_safety": ("Disaster and safety (policing, disaster, safety)", "재난·안전(치안·재난·안전)")}

class AmbiguousCountry(InvalidInput):
    """A query that fits several countries equally well."""


def country_terms(row: CountryRow) -> CountryTerms:
    """The facts the eligibility rules read, from a country row."""
    return CountryTerms(iso3=row.iso3, name_en=row.name_en, name_ko=row.name_ko, income_group=row.income_group,
                        oecd_risk=row.oecd_risk, oecd_status=row.oecd_status or "classified")


def resolve_country(*, session: Session, query: str) -> CountryRow:
    """The country a user means (ISO2/ISO3/English/Korean name, small misspellings forgiven)."""
    if len(query) == 3 and query.isascii() and query.isalpha():
        direct = q.country(session, query)
        if direct is not None:
            return direct
    rows = q.all_countries(session)
    names = [CountryName(r.iso3, r.iso2, r.name_en, r.name_ko, tuple(a for a in r.aliases.split(";") if a))
             for r in rows]
    result = find_country(query, names)
    if result.iso3 is not None:
        found = q.country(session, result.iso3)
        assert found is not None
        return found
    cands = [{"iso3": c[0], "name": c[1], "score": c[2]} for c in result.candidates]
    listing = ", ".join(f"{c['name']} ({c['iso3']})" for c in cands) or "none"
    if result.ambiguous:
        raise AmbiguousCountry(f"'{query}' fits several countries; closest: {listing}",
                               f"'{query}'에 해당하는 국가가 여러 개입니다. 후보: {listing}", details=cands)
    raise NotFound(f"no country matches '{query}'; closest: {listing}",
                   f"'{query}'에 해당하는 국가가 없습니다. 가장 가까운 후보: {listing}", details=cands)


def _summary(row: CountryRow, presence: Any) -> dict[str, Any]:
    return {
        "iso3": row.iso3,
        "iso2": row.iso2,
        "name": {"en": row.name_en, "ko": row.name_ko},
        "region": {"m49": row.m49_region, "m49_subregion": row.m49_subregion, "plan_group": row.plan_group},
        "income_group": row.income_group,
        "oecd_risk": row.oecd_risk,
        "oecd_status": row.oecd_status,
        "korea": {
            "mou": presence.mou if presence else None,
            "kotra_centre": presence.kotra_centre if presence else None,
            "kind_centre": bool(presence.kind_centre) if presence else False,
            "training_focus": bool(presence.training_focus) if presence else False,
            "oda_priority": bool(presence.oda_priority) if presence else False,
        },
    }


def country_profile(*, session: Session, query: str, project: ProjectTerms | None = None,
                    settings: EligibilitySettings | None = None) -> dict[str, Any]:
    """The one-stop profile: business environment, ordering and pipeline, Korean and international support."""
    row = resolve_country(session=session, query=query)
    presence = q.presence(session, row.iso3)
    facts = q.facts(session, row.iso3)
    indicators = {f.indicator: f.value for f in facts}
    level = solution_level(row.income_group, indicators)
    verdicts = eligible_instruments(country_terms(row), project, settings)
    profile = _summary(row, presence)
    inc = INCOME_LABELS.get(row.income_group or "")
    profile.update({
        "income_label": {"en": inc[0], "ko": inc[1]} if inc else None,
        "business_environment": {
            "solution_level": {"level": level.level, "lead_services": list(level.lead_services),
                               "reason": {"en": level.reason_en, "ko": level.reason_ko}},
            "indicators": [{"code": f.indicator, "name": f.name, "year": f.year, "value": f.value,
                            "source": f.source} for f in facts],
        },
        "support": [{"instrument": v.instrument, "eligible": v.eligible, "reason": v.reason_en,
                     "reason_ko": v.reason_ko, "rule": v.rule, "facts": v.facts, "terms": v.terms}
                    for v in verdicts],
        "reference_cases": [{"key": c.key, "name": c.name_en, "name_ko": c.name_ko, "archetype": c.archetype,
                             **{k: c.data.get(k) for k in ("summary_en", "summary_ko", "status_en", "status_ko",
                                                          "value_krw_eok")}}
                            for c in q.cases_for(session, row.iso3)],
        "pipeline": pipeline_summary(session=session, iso3=row.iso3),
    })
    return profile


def list_countries(*, session: Session, q_text: str | None = None, plan_group: str | None = None,
                   region: str | None = None, income_group: str | None = None, risk_min: int | None = None,
                   risk_max: int | None = None, presence: str | None = None) -> list[dict[str, Any]]:
    """Countries filtered by region, income group, OECD risk and Korean presence (mou/kotra/kind/any)."""
    pres = q.all_presence(session)
    out: list[dict[str, Any]] = []
    needle = (q_text or "").strip().casefold()
    for row in q.all_countries(session):
        p = pres.get(row.iso3)
        if needle and needle not in f"{row.iso3} {row.iso2} {row.name_en} {row.name_ko} {row.aliases}".casefold():
            continue
        if plan_group and row.plan_group != plan_group:
            continue
        if region and region not in (row.m49_region, row.m49_subregion):
            continue
        if income_group and row.income_group != income_group:
            continue
        if risk_min is not None and (row.oecd_risk is None or row.oecd_risk < risk_min):
            continue
        if risk_max is not None and (row.oecd_risk is None or row.oecd_risk > risk_max):
            continue
        if presence:
            has = {"mou": bool(p and p.mou), "kotra": bool(p and p.kotra_centre), "kind": bool(p and p.kind_centre),
                   "training": bool(p and p.training_focus)}
            if presence == "any":
                if not any(has.values()):
                    continue
            elif presence not in has:
                raise InvalidInput(f"presence must be one of any, {', '.join(has)}; got '{presence}'",
                                   f"presence 값은 any, {', '.join(has)} 중 하나여야 합니다 (입력: '{presence}')")
            elif not has[presence]:
                continue
        out.append(_summary(row, p))
    return out
