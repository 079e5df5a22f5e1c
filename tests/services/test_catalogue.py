"""Catalogue services on each backend: sample load, search filters, all-or-nothing import, round trip."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from kscity.app import App
from kscity.errors import InvalidInput, NotFound
from kscity.model.catalogue import Company
from kscity.services import catalogue as svc
from kscity.store.queries.catalogue import all_companies, company_by_id, count_companies


@pytest.fixture
def sample_app(kapp: App) -> App:
    with kapp.transaction() as session:
        svc.load_sample_catalogue(session=session)
    return kapp


def _strip(c: Company) -> Company:
    return replace(c, id=None, solutions=tuple(replace(s, id=None) for s in c.solutions))


def _catalogue(kapp: App) -> list[Company]:
    with kapp.read() as session:
        return sorted((_strip(c) for c in all_companies(session)), key=lambda c: c.brn)


def test_sample_catalogue_loads_once_and_spans_the_plan(sample_app: App) -> None:
    with sample_app.transaction() as session:
        assert svc.load_sample_catalogue(session=session) == count_companies(session)  # idempotent
    firms = _catalogue(sample_app)
    assert len(firms) >= 50
    assert {s.service for c in firms for s in c.solutions} == {s["id"] for s in svc.taxonomy_data()["services"]}
    assert all(c.sample and "샘플" in c.name_ko and "ample" in c.name_en for c in firms)
    subs = {s.sub_solution for c in firms for s in c.solutions}
    for plan_solution in ("transit_card", "smart_waste", "integrated_platform", "smart_water_management",
                          "bus_information_system", "ess", "zero_energy_building", "intelligent_cctv", "telemedicine"):
        assert plan_solution in subs
    assert {c.size for c in firms} == {"large", "middle", "sme", "startup", "public"}
    exporters = [c for c in firms if c.exports]
    assert len(exporters) * 2 == pytest.approx(len(firms), abs=2)


def test_filters_and_full_text(sample_app: App) -> None:
    with sample_app.read() as session:
        every, total = svc.list_companies(session=session)
        assert total == len(every)
        transport, _ = svc.list_companies(session=session, filters=svc.make_filter(service="transport"))
        assert transport and all("transport" in c["services"] for c in transport)
        cards, _ = svc.list_solutions(session=session, filters=svc.make_filter(q_text="교통카드"))
        assert cards and all(s["sub_solution"] == "transit_card" for s in cards)
        english, _ = svc.list_solutions(session=session, filters=svc.make_filter(q_text="TRANSIT card"))
        assert {s["id"] for s in english} == {s["id"] for s in cards}
        colombia, _ = svc.list_companies(session=session, filters=svc.make_filter(country="콜롬비아"))
        assert colombia and all(c["sample"] for c in colombia)
        mature, _ = svc.list_solutions(session=session, filters=svc.make_filter(min_trl=9, size="large"))
        assert mature and all(s["trl"] >= 9 for s in mature)
        nothing, n = svc.list_companies(session=session, filters=svc.make_filter(q_text="100%_no_such"))
        assert (nothing, n) == ([], 0)
        with pytest.raises(InvalidInput, match="service"):
            svc.make_filter(service="farming")
        with pytest.raises(InvalidInput, match="min_trl"):
            svc.make_filter(min_trl=11)
        with pytest.raises(NotFound):
            svc.show_company(session=session, company_id=10**6)


def test_template_round_trips(sample_app: App, tmp_path: Path, database_url: str) -> None:
    before = _catalogue(sample_app)
    for lang in ("ko", "en"):
        path = tmp_path / f"catalogue-{lang}.xlsx"
        with sample_app.read() as session:
            svc.export_catalogue(session=session, fmt="xlsx", lang=lang, output=path)
        with sample_app.transaction() as session:
            report = svc.import_catalogue(session=session, path=path)
        assert (report.imported, report.updated, report.errors) == (0, len(before), [])
        assert _catalogue(sample_app) == before
    json_path = tmp_path / "catalogue.json"
    with sample_app.read() as session:
        svc.export_catalogue(session=session, fmt="json", lang="ko", output=json_path)
    with sample_app.transaction() as session:
        assert not svc.import_catalogue(session=session, path=json_path).refused
    assert _catalogue(sample_app) == before


def test_import_into_an_empty_database_recreates_the_catalogue(sample_app: App, kapp: App, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.xlsx"
    with sample_app.read() as session:
        svc.export_catalogue(session=session, fmt="xlsx", lang="ko", output=path)
    before = _catalogue(sample_app)
    with sample_app.transaction() as session:
        for c in all_companies(session):
            assert c.id is not None
            svc.delete_company(session=session, company_id=c.id)
    assert _catalogue(sample_app) == []
    with sample_app.transaction() as session:
        report = svc.import_catalogue(session=session, path=path)
    assert report.imported == len(before)
    assert _catalogue(sample_app) == before


def _xlsx(path: Path, rows: list[list[object]], title: str = "기업") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_refused_file_writes_nothing(sample_app: App, tmp_path: Path) -> None:
    before = _catalogue(sample_app)
    first = before[0]
    rows = [["사업자등록번호", "회사명", "규모"], [first.brn, "바뀐 이름 (샘플)", "sme"],
            ["220-81-62517", "새 기업", "sme"], ["123-45-67890", "잘못된 번호", "sme"]]
    path = _xlsx(tmp_path / "bad.xlsx", rows)
    with sample_app.transaction() as session:
        dry = svc.import_catalogue(session=session, path=path, dry_run=True)
        report = svc.import_catalogue(session=session, path=path)
    assert dry.refused and report.refused
    assert [(e.row, e.column) for e in report.errors] == [(4, "사업자등록번호")]
    assert _catalogue(sample_app) == before


def test_a_companies_only_sheet_updates_fields_and_keeps_solutions(sample_app: App, tmp_path: Path) -> None:
    before = _catalogue(sample_app)
    first = before[0]
    path = tmp_path / "update.csv"
    path.write_text(f"사업자등록번호,회사명,규모,샘플 데이터\n{first.brn},바뀐 이름 (샘플),{first.size},예\n"
                    "220-81-62517,새 기업 (샘플),startup,예\n", encoding="utf-8")
    with sample_app.transaction() as session:
        dry = svc.import_catalogue(session=session, path=path, dry_run=True)
    assert (dry.imported, dry.updated) == (1, 1)
    assert _catalogue(sample_app) == before
    with sample_app.transaction() as session:
        report = svc.import_catalogue(session=session, path=path)
    assert (report.imported, report.updated) == (1, 1)
    after = {c.brn: c for c in _catalogue(sample_app)}
    assert after[first.brn].name_ko == "바뀐 이름 (샘플)"
    assert after[first.brn].solutions == first.solutions
    assert after["220-81-62517"].size == "startup"
    with sample_app.read() as session:
        hits, _ = svc.list_companies(session=session, filters=svc.make_filter(q_text="바뀐"))
    assert [h["brn"] for h in hits] == [first.brn]


@pytest.mark.parametrize("case", ["empty", "not_a_workbook", "blank_rows", "cp949_csv"])
def test_file_level_bad_input(kapp: App, tmp_path: Path, case: str) -> None:
    if case == "empty":
        path = tmp_path / "empty.xlsx"
        Workbook().save(path)
    elif case == "not_a_workbook":
        path = tmp_path / "notes.xlsx"
        path.write_text("this is not a workbook", encoding="utf-8")
    elif case == "blank_rows":
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("기업")
        for _ in range(100_000):
            ws.append(["", None, ""])
        path = tmp_path / "blank.xlsx"
        wb.save(path)
    else:
        path = tmp_path / "excel.csv"
        path.write_bytes("회사명,사업자등록번호,규모\n테스트,123-45-67890,중소기업\n".encode("cp949"))
    with kapp.transaction() as session:
        report = svc.import_catalogue(session=session, path=path)
    assert report.refused
    error = report.errors[0]
    if case == "not_a_workbook":
        assert "not an XLSX workbook" in error.message_en and "notes.xlsx" in error.message_en
    elif case == "cp949_csv":
        assert (error.row, error.column) == (2, "사업자등록번호")
    else:
        assert (error.row, error.column) == (1, "A") and "empty" in error.message_en
    with kapp.read() as session:
        assert count_companies(session) == 0


def test_edit_create_and_delete(sample_app: App) -> None:
    with sample_app.transaction() as session:
        first = all_companies(session)[0]
        assert first.id is not None
        data = svc.show_company(session=session, company_id=first.id)
        data["name"]["en"] = "Renamed Co. (sample)"
        data["solutions"][0]["trl"] = 7
        saved = svc.save_company(session=session, data=data, company_id=first.id)
        assert saved["name"]["en"] == "Renamed Co. (sample)" and saved["solutions"][0]["trl"] == 7
        bad = {**data, "solutions": [{**data["solutions"][0], "trl": 11}]}
        with pytest.raises(InvalidInput, match="TRL") as info:
            svc.save_company(session=session, data=bad, company_id=first.id)
        assert isinstance(info.value.details, list) and info.value.details[0]["column"] == "trl"
        other = all_companies(session)[1]
        with pytest.raises(InvalidInput, match="already belongs"):
            svc.save_company(session=session, data={**data, "brn": other.brn}, company_id=first.id)
        new = svc.save_company(session=session, data={**data, "brn": "220-81-62517", "id": None})
        assert new["id"] != first.id
        svc.delete_company(session=session, company_id=new["id"])
        assert company_by_id(session, new["id"]) is None
