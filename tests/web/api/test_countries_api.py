"""GET /api/countries and /api/countries/{iso3}: shapes, filters, problem+json, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_profile_shape(client: TestClient) -> None:
    r = client.get("/api/countries/KEN")
    assert r.status_code == 200
    d = r.json()
    assert d["iso3"] == "KEN" and d["name"] == {"en": "Kenya", "ko": "케냐"} and d["income_group"] == "LM"
    assert d["korea"]["kind_centre"] is True and d["korea"]["kotra_centre"] is None
    edcf = next(s for s in d["support"] if s["instrument"] == "edcf")
    assert edcf["eligible"] is True and edcf["reason"]


def test_lowercase_code_is_accepted(client: TestClient) -> None:
    assert client.get("/api/countries/nld").json()["korea"]["mou"] == "2019-07"


def test_unknown_is_404_problem_json(client: TestClient) -> None:
    r = client.get("/api/countries/ATL")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == 404 and "ATL" in body["detail"]


def test_filters_and_validation(client: TestClient) -> None:
    kotra = client.get("/api/countries", params={"presence": "kotra"}).json()
    assert {"MMR", "KWT", "COL", "LAO", "VNM", "PER", "THA", "SGP", "MYS", "IND", "PHL", "IRQ"} == {
        c["iso3"] for c in kotra}
    high = client.get("/api/countries", params={"income": "H", "group": "developed"}).json()
    assert high and all(c["income_group"] == "H" for c in high)
    bad = client.get("/api/countries", params={"risk_min": 9})
    assert bad.status_code == 422 and "risk_min" in bad.json()["detail"]


def test_openapi_documents_country_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/countries" in paths and "/api/countries/{iso3}" in paths
    assert "404" in paths["/api/countries/{iso3}"]["get"]["responses"]


def test_health(client: TestClient) -> None:
    assert client.get("/healthz").text == "ok"
