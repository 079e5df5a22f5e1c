"""Matching, consortium and alerts over HTTP: JSON API, the panels, the builder and the alerts page."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kscity.app import App
from kscity.model.catalogue import SIZE_NAMES
from tests.services.test_matching import load_matching_data


def test_matching_consortium_and_alerts_over_http(client: TestClient, loaded_app: App, shared_data: Path) -> None:
    load_matching_data(loaded_app, shared_data)
    r = client.get("/api/matching/opportunities/256/firms?limit=3")
    assert r.status_code == 200 and len(r.json()) == 3 and r.json()[0]["explanation"]["ko"]
    firm = r.json()[0]["firm_id"]
    r = client.get(f"/api/matching/firms/{firm}/opportunities?limit=2")
    assert r.status_code == 200 and r.json()["items"] and r.json()["reason"] is None
    assert client.get("/api/matching/opportunities/nope/firms").status_code == 404
    assert client.get("/api/matching/firms/999999/opportunities").status_code == 404

    r = client.post("/api/consortia/256", json={"k": 2})
    assert r.status_code == 200 and r.json()["consortia"]
    assert client.post("/api/consortia/256", json={"needs": ["nope"]}).status_code == 422
    r = client.post("/api/consortia/256", json={"min_sme": 40, "max_members": 50})
    assert r.status_code == 409 and r.json()["infeasible"] and r.json()["reasons"]
    r = client.post("/api/consortia/256/drafts", json={"notes": "meeting"})
    assert r.status_code == 201
    r = client.get(f"/api/consortium-drafts/{r.json()['id']}/export?format=pdf&lang=ko")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")

    assert client.post("/api/alerts", json={"name": "empty"}).status_code == 422
    r = client.post("/api/alerts", json={"name": "cctv", "services": ["safety"], "language": "ko"})
    assert r.status_code == 201
    assert client.post("/api/alerts/run").status_code == 403
    run = client.post("/api/alerts/run", headers={"X-Admin-Token": "test-token"})
    assert run.status_code == 200 and run.json()["new_items"] >= 1 and run.json()["profiles"] == 1
    r = client.get(f"/alerts/{r.json()['id']}/feed.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    assert r.text.count("<entry>") == run.json()["new_items"]

    for lang, word in (("ko", "한국 기업"), ("en", "Korean firms")):
        page = client.get(f"/opportunities/256?lang={lang}")
        assert page.status_code == 200 and word in page.text and "/opportunities/256/firms" in page.text
        assert client.get(f"/opportunities/256/firms?lang={lang}").status_code == 200
    builder = client.get("/opportunities/256/consortium?lang=ko")
    assert builder.status_code == 200 and "주관사" in builder.text
    assert client.get(f"/catalogue/companies/{firm}/opportunities").status_code == 200
    alerts = client.get("/alerts?lang=ko")
    assert alerts.status_code == 200 and "알림 프로필" in alerts.text and "cctv" in alerts.text
    r = client.post("/alerts", data={"name": "x"}, follow_redirects=False)
    assert r.status_code == 422
    r = client.post("/alerts", data={"name": "mx", "countries": "MEX"}, follow_redirects=False)
    assert r.status_code == 303


def test_the_firms_panel_and_the_builder_name_firms_sizes_and_capabilities_in_the_page_language(
        client: TestClient, loaded_app: App, shared_data: Path) -> None:
    load_matching_data(loaded_app, shared_data)
    ranked = client.get("/api/matching/opportunities/256/firms?limit=5").json()
    assert any(r["firm_ko"] != r["firm"] for r in ranked)  # else the test could not tell the languages apart
    ko, en = (client.get(f"/opportunities/256/firms?lang={lang}").text for lang in ("ko", "en"))
    for r in ranked:
        assert r["firm_ko"] in ko and r["firm"] in en
        if r["firm_ko"] != r["firm"]:
            assert r["firm"] not in ko and r["firm_ko"] not in en
    team = client.post("/api/consortia/256", json={"k": 1}).json()["consortia"][0]["members"]
    builder_ko = client.get("/opportunities/256/consortium?lang=ko&k=1").text
    builder_en = client.get("/opportunities/256/consortium?lang=en&k=1").text
    sizes = SIZE_NAMES
    for m in team:
        assert m["firm_ko"] in builder_ko and m["firm"] in builder_en
        assert f"<td>{sizes[m['size']][1]}</td>" in builder_ko and f"<td>{sizes[m['size']][0]}</td>" in builder_en
        for cap in m["covers"]:  # "service:sub" shown by its names, not its ids (kept in the form's hidden inputs)
            assert f">{cap}<" not in builder_ko and f">{cap}<" not in builder_en
            assert " / " in builder_ko.split(f"<td>{sizes[m['size']][1]}</td>", 1)[1].split("</tr>", 1)[0]
