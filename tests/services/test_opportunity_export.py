"""The opportunity list as XLSX and CSV: the search's rows and order, both languages, text that stays text, and a
refusal past the size limit; over HTTP and from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from kscity.app import App
from kscity.errors import InvalidInput
from kscity.services import opportunity_export
from kscity.services.ingest import ingest_paths
from kscity.services.opportunities import search_opportunities
from kscity.services.opportunity_export import export_opportunities
from kscity.web.main import create_app

FORMULA = '=HYPERLINK("http://example.invalid","open me")'


def _with_formula_title(tmp_path: Path) -> Path:
    """A release whose title a spreadsheet would run: it must come out as the text it is."""
    release = {"ocid": "ocds-zzzzzz-formula-1", "id": "1", "date": "2024-05-01T00:00:00Z", "tag": ["tender"],
               "initiationType": "tender", "buyer": {"name": "+Buyer"},
               "tender": {"id": "t", "title": FORMULA, "value": {"amount": 1000, "currency": "EUR"},
                          "tenderPeriod": {"endDate": "2024-06-01T10:00:00Z"}}}
    path = tmp_path / "formula.json"
    path.write_bytes(orjson.dumps({"uri": "x", "publishedDate": "2024-05-01T00:00:00Z", "version": "1.1",
                                   "releases": [release]}))
    return path


@pytest.fixture
def stocked(loaded_app: App, shared_data: Path, tmp_path: Path) -> App:
    ingest_paths(loaded_app, [shared_data / "ocds/portugal", shared_data / "ted/ted-xml",
                              _with_formula_title(tmp_path)])
    return loaded_app


def test_xlsx_holds_the_search_in_its_order_in_both_languages(stocked: App) -> None:
    with stocked.read() as s:
        found = search_opportunities(session=s, sort="value", per_page=1000)
        ko = load_workbook(io.BytesIO(export_opportunities(session=s, fmt="xlsx", lang="ko", sort="value"))).active
        en = load_workbook(io.BytesIO(export_opportunities(session=s, fmt="xlsx", lang="en", sort="value"))).active
    assert ko is not None and en is not None
    ko_rows, en_rows = list(ko.iter_rows(values_only=True)), list(en.iter_rows(values_only=True))
    assert ko_rows[0][:3] == ("ocid", "제목", "발주처") and en_rows[0][:3] == ("ocid", "Title", "Buyer")
    assert [r[0] for r in ko_rows[1:]] == [r[0] for r in en_rows[1:]] == [o["ocid"] for o in found["items"]]
    assert len(ko_rows) - 1 == found["total"] > 100
    by_ocid = {o["ocid"]: o for o in found["items"]}
    for row in en_rows[1:]:
        o = by_ocid[row[0]]
        assert row[9] == o["value_usd"] and (row[11].isoformat() if row[11] else None) == o["deadline"]
    services_ko = {r[4] for r in ko_rows[1:]}
    assert "스마트시티 외" in services_ko and "Not smart-city" not in services_ko
    # the formula title and the "+" buyer are text cells, exactly as published
    cell = next(c for row in ko.iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s"


def test_csv_is_utf8_with_a_bom_and_fields_that_stay_text(stocked: App) -> None:
    with stocked.read() as s:
        found = search_opportunities(session=s, country="PRT", per_page=1000)
        body = export_opportunities(session=s, fmt="csv", lang="ko", country="PRT")
        every = export_opportunities(session=s, fmt="csv", lang="en")
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["ocid", "제목"] and [r[0] for r in rows[1:]] == [o["ocid"] for o in found["items"]]
    formula_row = next(r for r in csv.reader(io.StringIO(every.decode("utf-8-sig"))) if r[0] == "ocds-zzzzzz-formula-1")
    assert formula_row[1] == "'" + FORMULA and formula_row[2] == "'+Buyer"


def test_an_export_past_the_limit_is_refused_with_a_reason(stocked: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opportunity_export, "MAX_ROWS", 10)
    with stocked.read() as s, pytest.raises(InvalidInput) as err:
        export_opportunities(session=s, fmt="xlsx")
    assert "at most 10" in err.value.message("en") and "10건까지" in err.value.message("ko")
    with stocked.read() as s:  # a narrower search still goes
        assert export_opportunities(session=s, fmt="csv", q="formula").count(b"\n") <= 11


def test_export_over_http_and_from_the_list_page(stocked: App, monkeypatch: pytest.MonkeyPatch) -> None:
    with TestClient(create_app(stocked)) as client:
        r = client.get("/api/opportunities.xlsx", params={"country": "PRT", "sort": "value", "lang": "en"})
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert 'filename="kscity-opportunities.xlsx"' in r.headers["content-disposition"]
        ws = load_workbook(io.BytesIO(r.content)).active
        assert ws is not None and ws["B1"].value == "Title" and ws.max_row - 1 == client.get(
            "/api/opportunities", params={"country": "PRT"}).json()["total"]
        r = client.get("/api/opportunities.csv", params={"open": "true"}, headers={"accept-language": "ko"})
        assert r.status_code == 200 and r.text.splitlines()[0].lstrip("\ufeff").startswith("ocid,제목")
        assert client.get("/api/opportunities.pdf").status_code == 422
        page = client.get("/opportunities", params={"country": "PRT", "open": "", "sort": "value", "lang": "en",
                                                    "service": ""})
        assert 'href="/api/opportunities.xlsx?country=PRT&amp;sort=value&amp;lang=en"' in page.text
        page = client.get("/opportunities", params={"lang": "en"})  # the page's default service, in the download
        assert 'href="/api/opportunities.xlsx?service=smart_city&amp;sort=deadline&amp;lang=en"' in page.text
        monkeypatch.setattr(opportunity_export, "MAX_ROWS", 10)
        r = client.get("/api/opportunities.csv", params={"lang": "en"})
        assert r.status_code == 422 and "narrow the filters" in json.dumps(r.json())


@pytest.mark.parametrize("sort", ["deadline", "value", "published", "title"])
def test_each_opportunity_reads_in_chunks_what_the_pages_list(stocked: App, sort: str) -> None:
    from kscity.services.opportunities import each_opportunity

    with stocked.read() as s:
        total = search_opportunities(session=s, per_page=1)["total"]
        paged = [o for page in range(1, total // 37 + 2)
                 for o in search_opportunities(session=s, sort=sort, page=page, per_page=37)["items"]]  # type: ignore[arg-type]
        streamed = list(each_opportunity(session=s, sort=sort, chunk=10))  # type: ignore[arg-type]
    assert len(streamed) == total > 100 and streamed == paged


@pytest.mark.parametrize("filters", [{}, {"country": "PRT"}, {"service": "smart_city"}, {"q": "formula"},
                                     {"stage": "tender", "open_only": True}, {"country": "ZZZ"}])
def test_the_count_an_export_checks_is_the_search_total(stocked: App, filters: dict[str, Any]) -> None:
    from kscity.services.opportunities import count_opportunities, each_opportunity

    with stocked.read() as s:
        total = search_opportunities(session=s, per_page=1, **filters)["total"]
        assert count_opportunities(session=s, **filters) == total
        assert len(list(each_opportunity(session=s, **filters))) == total


def test_the_list_page_opens_on_smart_city_opportunities_and_all_is_one_choice_away(stocked: App) -> None:
    with stocked.read() as s:
        smart = search_opportunities(session=s, service="smart_city", per_page=1)["total"]
        every = search_opportunities(session=s, per_page=1)["total"]
    assert 0 < smart < every  # the shared data has both, so the default must choose
    with TestClient(create_app(stocked)) as client:
        default = client.get("/opportunities", params={"lang": "en"}).text
        assert f"{smart:,} opportunities" in default
        assert '<option value="smart_city" selected' in default
        everything = client.get("/opportunities", params={"lang": "en", "service": ""}).text
        assert f"{every:,} opportunities" in everything
        assert "service=&amp;" in everything or "service=&" in everything  # the next pages keep "All"
        ko = client.get("/countries/PRT", params={"lang": "ko"}).text
        assert 'href="/opportunities?country=PRT&amp;service="' in ko  # "see all" means all
