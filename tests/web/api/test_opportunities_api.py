"""Opportunities and imports over HTTP: upload, filters, pagination, problem+json."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kscity.app import App
from kscity.ingest import Accepted, read_file
from kscity.services import ingest
from kscity.services.ingest_worker import ReadJob, WorkerBatches
from kscity.services.opportunities import search_opportunities
from kscity.web.main import create_app


def test_upload_then_search_and_detail(client: TestClient, shared_data: Path) -> None:
    f = shared_data / "ocds/portugal/impic-release-package.json"
    r = client.post("/api/imports", files=[("files", (f.name, f.read_bytes(), "application/json"))])
    assert r.status_code == 201
    rep = r.json()["files"][0]
    assert rep["path"] == f.name and rep["ingested"] > 0
    page1 = client.get("/api/opportunities", params={"country": "PRT", "per_page": 10, "sort": "value"}).json()
    assert page1["total"] >= 10 and len(page1["items"]) == 10
    values = [o["value_usd"] for o in page1["items"] if o["value_usd"] is not None]
    assert values == sorted(values, reverse=True)
    page2 = client.get("/api/opportunities", params={"country": "PRT", "per_page": 10, "page": 2}).json()
    assert not {o["ocid"] for o in page2["items"]} & {o["ocid"] for o in
                                                       client.get("/api/opportunities", params={
                                                           "country": "PRT", "per_page": 10}).json()["items"]}
    ocid = page1["items"][0]["ocid"]
    d = client.get(f"/api/opportunities/{ocid}").json()
    assert d["ocid"] == ocid and d["classification"]["evidence"] is not None and d["linked"]
    page = client.get(f"/opportunities/{ocid}?lang=ko")
    assert page.status_code == 200 and "분류" in page.text
    assert d["timeline"] and [e["date"] for e in d["timeline"]] == sorted(e["date"] for e in d["timeline"])
    first = d["timeline"][0]
    assert f'<time datetime="{first["date"]}">' in page.text and first["label"]["ko"] in page.text
    assert "추진 경과" in page.text and "Timeline" in client.get(f"/opportunities/{ocid}?lang=en").text
    # IMPIC's notices: Portuguese, direct awards; named in the page's language, the code kept beside the name
    assert d["language"] == "pt" and d["procurement_method"] == "direct"
    assert "포르투갈어 (pt)" in page.text and "수의계약" in page.text
    assert "not_smart_city" not in page.text and "text: " not in page.text  # the evidence in Korean, with names
    method = {"code": "품목 코드(CPV, UNSPSC)", "text": "제목·설명 텍스트", "none": "분류 근거 없음"}
    assert f"방법: {method[d['classification']['method']]}" in page.text and "<dt>금액</dt>" in page.text
    en = client.get(f"/opportunities/{ocid}?lang=en").text
    assert "Portuguese (pt)" in en and "Direct award" in en and "수의계약" not in en


def test_unknown_ocid_404_and_bad_stage_422(client: TestClient) -> None:
    r = client.get("/api/opportunities/ocds-nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/opportunities", params={"stage": "dreaming"}).status_code == 422


def test_imports_page_uploads_and_reports(client: TestClient) -> None:
    r = client.post("/imports?lang=en", files=[("files", ("empty.json", b"", "application/json"))])
    assert r.status_code == 200 and "empty.json" in r.text
    listing = client.get("/api/imports").json()
    detail = client.get(f"/imports/{listing[0]['id']}?lang=en")
    assert detail.status_code == 200
    # the file-level error in the page's language, on the upload's report and on the import's own page
    assert "the file is empty" in detail.text and "파일이 비어 있습니다" not in detail.text
    ko = client.get(f"/imports/{listing[0]['id']}?lang=ko")
    assert "파일이 비어 있습니다" in ko.text and "the file is empty" not in ko.text
    r = client.post("/imports?lang=ko", files=[("files", ("empty.json", b"", "application/json"))])
    assert "파일이 비어 있습니다" in r.text and "the file is empty" not in r.text


def test_upload_read_by_a_reading_process(loaded_app: App, shared_data: Path, monkeypatch: pytest.MonkeyPatch,
                                          ) -> None:
    """The web server's imports take the same second process as the command line when it is asked for."""
    f = shared_data / "ocds/portugal/impic-release-package.json"
    expected = sum(isinstance(i, Accepted) for i in read_file(f))
    started: list[int] = []

    class Counted(WorkerBatches):
        def __init__(self, job: ReadJob) -> None:
            super().__init__(job)
            started.append(self.pid)

    monkeypatch.setattr(ingest, "WorkerBatches", Counted)
    loaded_app.settings.ingest_worker = True
    with TestClient(create_app(loaded_app)) as client:
        r = client.post("/api/imports", files=[("files", (f.name, f.read_bytes(), "application/json"))])
        assert r.status_code == 201
        rep = r.json()["files"][0]
        assert (rep["path"], rep["ingested"], rep["errors"]) == (f.name, expected, [])
        assert client.get("/api/opportunities", params={"country": "PRT"}).json()["total"] > 0
    assert len(started) == 1 and started[0] != os.getpid()


def test_a_twin_notice_page_gives_its_link_reason_in_the_page_language(loaded_app: App, shared_data: Path) -> None:
    from kscity.services.ingest import ingest_paths

    name = "18-151256-001-EXP.xml"
    twins = [shared_data / "ted/ted-xml" / name, shared_data / "ted/eforms-xml" / name]
    assert all(p.exists() for p in twins)
    ingest_paths(loaded_app, twins)
    with TestClient(create_app(loaded_app)) as client:
        ocid = client.get("/api/opportunities").json()["items"][0]["ocid"]
        ko = client.get(f"/opportunities/{ocid}?lang=ko").text
        en = client.get(f"/opportunities/{ocid}?lang=en").text
    assert "다른 형식의 같은 공고 번호" in ko and "same notice number in another format" not in ko
    assert "same notice number in another format" in en
    # the two sources by what they are, not by their ids
    assert "<td>TED 공고(R2.0.9)</td>" in ko and "<td>TED 공고(eForms)</td>" in ko and "<td>ted-eforms</td>" not in ko
    assert "<td>TED notice (eForms)</td>" in en


def test_imports_list_totals_and_the_files_that_need_a_look(client: TestClient, shared_data: Path) -> None:
    good = shared_data / "ocds/portugal/impic-release-package.json"
    release = (b'{"ocid": "ocds-zz-1", "id": "1", "date": "2024-01-01T00:00:00Z", '
               b'"tender": {"value": {"amount": "N/A"}}}')
    uploads = [("good.json", good.read_bytes()), ("empty.json", b""), ("bad-amount.json", release)]
    for name, body in uploads:
        assert client.post("/api/imports", files=[("files", (name, body, "application/json"))]).status_code == 201
    listing = client.get("/api/imports").json()
    assert [r["path"] for r in listing] == ["bad-amount.json", "empty.json", "good.json"]  # newest first
    problems = client.get("/api/imports", params={"problems": "true"}).json()
    assert [r["path"] for r in problems] == ["bad-amount.json", "empty.json"]
    assert all(r["quarantined"] or r["errors"] for r in problems)
    ingested = sum(r["ingested"] for r in listing)
    quarantined = sum(r["quarantined"] for r in listing)
    en = client.get("/imports", params={"lang": "en"}).text
    assert (f"3 files: {ingested} items ingested, {quarantined} quarantined, 0 duplicates; 2 files need a look"
            in en)
    assert 'href="/imports?problems=true"' in en and en.count("File error") == 1  # the empty file
    only = client.get("/imports", params={"lang": "ko", "problems": "true"}).text
    assert "확인이 필요한 파일만 보고 있습니다" in only and "파일 오류" in only
    assert "bad-amount.json" in only and "empty.json" in only and "good.json" not in only
    for row in problems:  # each file links to its report
        assert f'href="/imports/{row["id"]}"' in only


def test_an_upload_is_recorded_under_its_name_and_a_re_upload_quarantines_nothing_twice(client: TestClient) -> None:
    body = b'{"ocid": "ocds-zz-2", "id": "1", "date": "2024-01-01T00:00:00Z", "tender": {"value": {"amount": "N/A"}}}'
    first = client.post("/api/imports", files=[("files", ("amounts.json", body, "application/json"))]).json()
    again = client.post("/api/imports", files=[("files", ("amounts.json", body, "application/json"))]).json()
    one, two = (client.get(f"/api/imports/{r['files'][0]['import_id']}").json() for r in (first, again))
    assert one["path"] == two["path"] == "amounts.json"  # not the scratch copy's path
    assert len(one["quarantine"]) == 1 and one["quarantine"][0]["kept_by"] is None
    # kept once, under the first upload; the second upload's report lists it too, naming the first
    assert [x["kept_by"] for x in two["quarantine"]] == [first["files"][0]["import_id"]]
    page = client.get(f"/imports/{again['files'][0]['import_id']}", params={"lang": "en"}).text
    assert "Kept since an earlier import of this file" in page
    assert f'href="/imports/{first["files"][0]["import_id"]}"' in page
    reason = one["quarantine"][0]["reasons"][0]
    assert reason["where"].startswith("amounts.json") and "kscity-upload" not in str(one)


def test_an_import_page_reads_in_korean_down_to_the_positions(client: TestClient) -> None:
    body = b'{"ocid": "ocds-zz-3", "id": "1", "date": "2024-01-01T00:00:00Z", "tender": {"value": {"amount": "N/A"}}}'
    report = client.post("/api/imports", files=[("files", ("one.json", body, "application/json"))]).json()
    import_id = report["files"][0]["import_id"]
    detail = client.get(f"/api/imports/{import_id}").json()
    assert detail["quarantine"][0]["position"] == "top-level object"  # stored as the reader wrote it
    ko = client.get(f"/imports/{import_id}?lang=ko").text
    en = client.get(f"/imports/{import_id}?lang=en").text
    assert "최상위 객체" in ko and "top-level object" not in ko and "top-level object" in en
    assert "<dd>완료</dd>" in ko and "<dd>Done</dd>" in en


def test_imports_a_page_at_a_time(client: TestClient) -> None:
    for i in range(3):
        body = b'{"ocid": "ocds-zz-p%d", "id": "1", "date": "2024-01-01T00:00:00Z"}' % i
        client.post("/api/imports", files=[("files", (f"p{i}.json", body, "application/json"))])
    first = client.get("/api/imports", params={"per_page": 2})
    second = client.get("/api/imports", params={"per_page": 2, "page": 2})
    assert first.headers["X-Total-Count"] == second.headers["X-Total-Count"] == "3"
    assert [r["path"] for r in first.json()] == ["p2.json", "p1.json"]
    assert [r["path"] for r in second.json()] == ["p0.json"]
    assert client.get("/api/imports", params={"page": 0}).status_code == 422



def _tenders(deadlines: list[datetime]) -> bytes:
    releases = [{"ocid": f"ocds-zz-dl{i}", "id": "1", "date": "2026-01-01T00:00:00Z", "tag": ["tender"],
                 "tender": {"title": f"Smart street lighting {i}", "tenderPeriod": {"endDate": d.isoformat()}}}
                for i, d in enumerate(deadlines)]
    return json.dumps({"uri": "x", "publishedDate": "2026-01-01T00:00:00Z", "version": "1.1",
                       "releases": releases}).encode()


def test_open_tenders_say_how_many_days_are_left(client: TestClient, loaded_app: App) -> None:
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    deadlines = [noon + timedelta(days=10), noon + timedelta(days=1), noon - timedelta(days=3)]
    assert client.post("/api/imports", files=[("files", ("t.json", _tenders(deadlines), "application/json"))]
                       ).status_code == 201
    items = {o["ocid"]: o for o in client.get("/api/opportunities", params={"q": "lighting"}).json()["items"]}
    assert [(items[f"ocds-zz-dl{i}"]["open"], items[f"ocds-zz-dl{i}"]["days_left"]) for i in range(3)] == [
        (True, 10), (True, 1), (False, None)]
    ko = client.get("/opportunities", params={"q": "lighting", "lang": "ko", "service": ""}).text
    assert 'data-days-left="10">마감 10일 전' in ko and 'data-days-left="1">마감 1일 전' in ko and "마감됨" in ko
    en = client.get("/opportunities", params={"q": "lighting", "lang": "en", "service": ""}).text
    assert "10 days left" in en and ">1 day left" in en and ">Closed<" in en
    detail = client.get("/opportunities/ocds-zz-dl0", params={"lang": "en"}).text
    assert "10 days left" in detail
    with loaded_app.read() as s:  # on the day of the deadline, before it: it closes today
        today = search_opportunities(session=s, q="lighting", now=deadlines[1] - timedelta(hours=3))["items"]
    assert {o["ocid"]: o["days_left"] for o in today}["ocds-zz-dl1"] == 0
