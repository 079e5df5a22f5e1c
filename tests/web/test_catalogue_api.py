"""/api/companies, /api/solutions and the catalogue pages: filters, full text, admin-only edits, sample badge."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kscity.app import App
from kscity.services import catalogue as svc
from kscity.web.main import create_app

ADMIN = {"X-Admin-Token": "test-token"}


@pytest.fixture
def client(kapp: App) -> Iterator[TestClient]:
    with kapp.transaction() as session:
        svc.load_sample_catalogue(session=session)
    with TestClient(create_app(kapp)) as c:
        yield c


def test_companies_list_shape_filters_and_total(client: TestClient) -> None:
    r = client.get("/api/companies", params={"limit": 1000})
    assert r.status_code == 200
    firms = r.json()
    assert int(r.headers["X-Total-Count"]) == len(firms) >= 50
    assert all({"id", "name", "size", "services", "solutions", "sample"} <= set(f) for f in firms)
    r = client.get("/api/companies", params={"service": "eco", "size": "sme"})
    assert r.json() and all("eco" in f["services"] and f["size"] == "sme" for f in r.json())
    r = client.get("/api/companies", params={"country": "USA", "q": "bin"})
    assert r.json() and all("Bin" in f["name"]["en"] for f in r.json())
    page = client.get("/api/companies", params={"limit": 10, "offset": 10}).json()
    assert [f["id"] for f in page] == [f["id"] for f in firms[10:20]]


def test_solutions_search_and_detail(client: TestClient) -> None:
    r = client.get("/api/solutions", params={"q": "스마트 물관리", "min_trl": 9})
    found = r.json()
    assert found and all(s["sub_solution"] == "smart_water_management" and s["trl"] >= 9 for s in found)
    one = client.get(f"/api/solutions/{found[0]['id']}").json()
    assert one["company"]["id"] == found[0]["company"]["id"] and one["sample"] is True
    assert client.get("/api/solutions/999999").status_code == 404


@pytest.mark.parametrize(("params", "field"), [({"service": "farming"}, "service"), ({"min_trl": 11}, "min_trl"),
                                               ({"country": "Atlantis"}, "country")])
def test_bad_filters_are_422_naming_the_field(client: TestClient, params: dict[str, object], field: str) -> None:
    r = client.get("/api/companies", params=params)
    assert r.status_code == 422 and field in r.text


def test_edits_need_the_admin_token(client: TestClient) -> None:
    first = client.get("/api/companies").json()[0]
    data = client.get(f"/api/companies/{first['id']}").json()
    data["name"]["en"] = "Edited Co. (sample)"
    assert client.put(f"/api/companies/{first['id']}", json=data).status_code == 403
    r = client.put(f"/api/companies/{first['id']}", json=data, headers=ADMIN)
    assert r.status_code == 200 and r.json()["name"]["en"] == "Edited Co. (sample)"
    bad = {**data, "solutions": [{**data["solutions"][0], "trl": 11}]}
    r = client.put(f"/api/companies/{first['id']}", json=bad, headers=ADMIN)
    assert r.status_code == 422 and "TRL" in r.json()["detail"]
    assert client.get(f"/api/companies/{first['id']}").json()["name"]["en"] == "Edited Co. (sample)"
    created = client.post("/api/companies", json={**data, "brn": "220-81-62517"}, headers=ADMIN)
    assert created.status_code == 201
    assert client.delete(f"/api/companies/{created.json()['id']}").status_code == 403
    assert client.delete(f"/api/companies/{created.json()['id']}", headers=ADMIN).status_code == 204
    assert client.get(f"/api/companies/{created.json()['id']}").status_code == 404


@pytest.mark.parametrize(("lang", "badge", "title"), [("ko", "샘플 데이터", "기업·솔루션 카탈로그"),
                                                      ("en", "Sample data", "Company and solution catalogue")])
def test_pages_show_the_sample_badge(client: TestClient, lang: str, badge: str, title: str) -> None:
    r = client.get("/catalogue", params={"lang": lang, "service": "transport"})
    assert r.status_code == 200 and title in r.text and badge in r.text
    firm = client.get("/api/companies", params={"service": "transport"}).json()[0]
    page = client.get(f"/catalogue/companies/{firm['id']}", params={"lang": lang})
    assert page.status_code == 200 and badge in page.text and firm["name"][lang] in page.text
    sol = client.get(f"/catalogue/solutions/{firm['solutions'][0]['id']}", params={"lang": lang})
    assert sol.status_code == 200 and badge in sol.text
    rows = client.get("/catalogue", params={"q": "zzzz-nothing", "lang": lang}, headers={"HX-Request": "true"})
    assert rows.status_code == 200 and "<html" not in rows.text


def test_edit_form_saves_with_the_admin_cookie(client: TestClient) -> None:
    firm = client.get("/api/companies").json()[0]
    form = client.get(f"/catalogue/companies/{firm['id']}/edit")
    assert form.status_code == 200 and firm["brn"] in form.text
    data = client.get(f"/api/companies/{firm['id']}").json()
    fields = {"brn": data["brn"], "name_ko": "편집한 이름 (샘플)", "name_en": data["name"]["en"], "size": data["size"],
              "sample": "1", "solution_count": str(len(data["solutions"]))}
    for i, s in enumerate(data["solutions"]):
        fields |= {f"s{i}_key": s["key"], f"s{i}_name_ko": s["name"]["ko"], f"s{i}_name_en": s["name"]["en"],
                   f"s{i}_service": s["service"], f"s{i}_sub_solution": s["sub_solution"] or "",
                   f"s{i}_kind": s["kind"], f"s{i}_trl": str(s["trl"])}
    url = f"/catalogue/companies/{firm['id']}/edit"
    assert client.post(url, data=fields, follow_redirects=False).status_code == 403
    client.post("/catalogue/admin", data={"token": "test-token", "next_url": url}, follow_redirects=False)
    saved = client.post(url, data=fields, follow_redirects=False)
    assert saved.status_code == 303
    assert client.get(f"/api/companies/{firm['id']}").json()["name"]["ko"] == "편집한 이름 (샘플)"
    refused = client.post(url, data={**fields, "s0_trl": "11"}, headers={"accept": "text/html"})
    assert refused.status_code == 422 and "TRL" in refused.text


def test_pdf_download(client: TestClient) -> None:
    r = client.get("/catalogue/export.pdf", params={"lang": "en", "service": "healthcare"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
