"""Load the shipped reference files into the store; unchanged files are skipped, so a re-run changes nothing."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kscity.model.times import utc_naive
from kscity.reference import files as ref
from kscity.store.tables.reference import (
    ArchetypeRow,
    CountryFactRow,
    CountryRow,
    FxRateRow,
    InstrumentRow,
    KoreaPresenceRow,
    PlanTaskRow,
    ReferenceCaseCountryRow,
    ReferenceCaseRow,
    ReferenceLoadRow,
    ServiceRow,
    SubSolutionRow,
)

# Each group of tables and the shipped files it is built from, in dependency order.
GROUPS: dict[str, tuple[str, ...]] = {
    "countries": ("countries.csv",),
    "country_facts": ("country_indicators.csv", "countries.csv"),
    "korea_presence": ("korea_presence.csv", "countries.csv"),
    "taxonomy": ("taxonomy.yaml",),
    "archetypes": ("archetypes.yaml",),
    "reference_cases": ("reference_cases.yaml", "countries.csv"),
    "instruments": ("instruments.yaml",),
    "tasks": ("tasks.yaml",),
    "fx_rates": ("fx_rates.csv",),
}


@dataclass(frozen=True)
class FileLoad:
    """What one load did for one group of tables."""

    file: str
    rows: int
    changed: bool


def _digest(directory: Path | None, names: tuple[str, ...]) -> str:
    root = directory if directory is not None else files("kscity.reference")
    h = hashlib.sha256()
    for name in names:
        h.update((root / name).read_bytes())
    return h.hexdigest()


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(k): _plain(v) for k, v in obj.items()}
    return obj


def _write(session: Session, group: str, data: ref.ReferenceData) -> int:
    if group == "countries":
        for c in data.countries:
            extras = data.country_extras.get(c.iso3)
            session.merge(CountryRow(
                iso3=c.iso3, iso2=c.iso2, numeric=c.numeric, name_en=c.name_en, name_ko=c.name_ko,
                m49_region=c.m49_region, m49_subregion=c.m49_subregion, plan_group=c.plan_group,
                income_group=c.income_group, oecd_risk=c.oecd_risk, oecd_status=c.oecd_status,
                high_income_oecd=c.high_income_oecd, aliases=";".join(extras.aliases) if extras else ""))
        return len(data.countries)
    if group == "country_facts":
        session.execute(delete(CountryFactRow))
        session.add_all(CountryFactRow(iso3=i.iso3, indicator=i.indicator_code, name=i.indicator_name, year=i.year,
                                       value=i.value, source=i.source) for i in data.indicators)
        return len(data.indicators)
    if group == "korea_presence":
        session.execute(delete(KoreaPresenceRow))
        session.add_all(KoreaPresenceRow(iso3=p.iso3, mou=p.mou, kotra_centre=p.kotra_centre, kind_centre=p.kind_centre,
                                         training_focus=p.training_focus, oda_priority=p.oda_priority,
                                         note=data.presence_notes.get(p.iso3, "")) for p in data.presence)
        return len(data.presence)
    if group == "taxonomy":
        session.execute(delete(SubSolutionRow))
        for i, s in enumerate(data.taxonomy):
            session.merge(ServiceRow(id=s.id, name_ko=s.ko, name_en=s.en, position=i))
        session.flush()
        n = 0
        for s in data.taxonomy:
            for j, sub in enumerate(s.subs):
                session.add(SubSolutionRow(id=sub.id, service_id=s.id, name_ko=sub.ko, name_en=sub.en, position=j))
                n += 1
        return n
    if group == "archetypes":
        for a in data.archetypes:
            session.merge(ArchetypeRow(id=a.id, name_ko=a.ko, name_en=a.en, data=_plain(a)))
        return len(data.archetypes)
    if group == "reference_cases":
        session.execute(delete(ReferenceCaseCountryRow))
        details = {d.key: d for d in data.case_details}
        for case in data.cases:
            payload = _plain(case) | {"detail": _plain(details.get(case.key))}
            session.merge(ReferenceCaseRow(key=case.key, name_en=case.name_en, name_ko=case.name_ko,
                                           archetype=case.archetype, data=payload))
        session.flush()
        session.add_all(ReferenceCaseCountryRow(case_key=case.key, iso3=iso3)
                        for case in data.cases for iso3 in case.countries)
        return len(data.cases)
    if group == "instruments":
        for inst in data.instruments:
            session.merge(InstrumentRow(id=inst.id, name_ko=inst.name_ko, name_en=inst.name_en,
                                        provider=inst.provider_en, data=_plain(inst)))
        return len(data.instruments)
    if group == "tasks":
        existing = {t.number: t for t in session.scalars(select(PlanTaskRow))}
        for t in data.tasks:
            row = existing.get(t.number)
            if row is None:
                session.add(PlanTaskRow(number=t.number, strategy=t.strategy, title_ko=t.title_ko, title_en=t.title_en,
                                        due=t.due or "ongoing", owners=list(t.owners), status=t.status))
            else:  # officers' status and notes survive a reload
                row.strategy, row.title_ko, row.title_en = t.strategy, t.title_ko, t.title_en
                row.due, row.owners = t.due or "ongoing", list(t.owners)
        return len(data.tasks)
    if group == "fx_rates":
        session.execute(delete(FxRateRow))
        session.add_all(FxRateRow(currency=r.currency, year=r.year, usd_per_unit=r.usd_per_unit, source=r.source)
                        for r in data.fx_rates)
        return len(data.fx_rates)
    raise KeyError(group)


def load_reference(*, session: Session, directory: Path | None = None) -> list[FileLoad]:
    """Read and check every shipped file, then write each changed group; raises ReferenceFileError on a bad row."""
    data = ref.load_all(directory)  # every row checked before anything is written
    loaded = {r.file: r for r in session.scalars(select(ReferenceLoadRow))}
    out: list[FileLoad] = []
    for group, names in GROUPS.items():
        digest = _digest(directory, names)
        prior = loaded.get(group)
        if prior is not None and prior.sha256 == digest:
            out.append(FileLoad(group, prior.rows, False))
            continue
        rows = _write(session, group, data)
        session.flush()
        now = utc_naive()
        if prior is None:
            session.add(ReferenceLoadRow(file=group, sha256=digest, rows=rows, loaded_at=now))
        else:
            prior.sha256, prior.rows, prior.loaded_at = digest, rows, now
        out.append(FileLoad(group, rows, True))
    return out
