"""Country pages render in Korean and English, with the plan's sections and an empty pipeline state."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from kscity.app import App
from kscity.services.countries import country_profile
from kscity.services.ingest import ingest_paths


def test_country_page_in_both_languages(client: TestClient) -> None:
    en = client.get("/countries/KEN?lang=en")
    ko = client.get("/countries/KEN?lang=ko")
    assert en.status_code == ko.status_code == 200
    assert "Business environment" in en.text and "Kenya" in en.text and "EDCF: eligible" in en.text
    assert "사업 환경" in ko.text and "케냐" in ko.text and "지원 가능" in ko.text
    assert "No opportunities for this country yet" in en.text
    assert "Sub-Saharan Africa" in en.text and "사하라 이남 아프리카" in ko.text and "Sub-Saharan Africa" not in ko.text


def test_every_m49_region_of_the_country_table_has_a_korean_name() -> None:
    from kscity.reference.country_files import load_countries
    from kscity.web import i18n

    countries = load_countries()
    names = {n for c in countries for n in (c.m49_region, c.m49_subregion) if n}
    assert len(names) >= 20
    untranslated = sorted(n for n in names if i18n.gettext("ko", n) == n)
    assert not untranslated, f"M49 names without a Korean name in countries.po: {untranslated}"


def test_accept_language_picks_the_default(client: TestClient) -> None:
    r = client.get("/countries/IRQ", headers={"accept-language": "en-US,en;q=0.9"})
    assert "Iraq" in r.text and 'lang="en"' in r.text
    r = client.get("/countries/IRQ", headers={"accept-language": "ko-KR"})
    assert "이라크" in r.text and 'lang="ko"' in r.text


def test_list_filters_and_search_jump(client: TestClient) -> None:
    r = client.get("/countries?group=new_southern&lang=en")
    assert r.status_code == 200 and "/countries/VNM" in r.text and "/countries/KEN" not in r.text
    jump = client.get("/countries?q=Kenia", follow_redirects=False)
    assert jump.status_code == 303 and jump.headers["location"] == "/countries/KEN"


def test_unknown_country_page_is_404_page(client: TestClient) -> None:
    r = client.get("/countries/ATL?lang=en", headers={"accept": "text/html"})
    assert r.status_code == 404 and "<html" in r.text


def test_indicators_show_counts_whole_and_rates_with_a_decimal(client: TestClient) -> None:
    indicators = client.get("/api/countries/MEX").json()["business_environment"]["indicators"]
    page = client.get("/countries/MEX?lang=en").text
    counts = [i["value"] for i in indicators if i["value"] is not None and i["value"] >= 1000
              and float(i["value"]).is_integer()]
    assert counts  # the population, at least
    for v in counts:
        assert f">{int(v):,}<" in page and f">{int(v):,}.0<" not in page
    rates = [i["value"] for i in indicators if i["value"] is not None and i["value"] < 100]
    assert rates and all(f">{v:,.1f}<" in page for v in rates)


def test_the_pipeline_rows_lead_to_their_opportunities(client: TestClient, loaded_app: App,
                                                        shared_data: Path) -> None:
    ingest_paths(loaded_app, [shared_data / "ocds/ukraine"])
    with loaded_app.read() as s:
        pipeline = country_profile(session=s, query="UKR")["pipeline"]
    page = client.get("/countries/UKR", params={"lang": "ko"}).text
    assert f"사업 기회 {pipeline['opportunities']:,}건" in page
    for row in pipeline["by_service"]:  # each service row links to that service's list, with its count
        link = f'href="/opportunities?country=UKR&amp;service={row["service"]}"'
        assert link in page
        listed = client.get("/api/opportunities", params={"country": "UKR", "service": row["service"]}).json()
        assert listed["total"] == row["count"]
    for row in pipeline["by_stage"]:
        assert f'href="/opportunities?country=UKR&amp;service=&amp;stage={row["stage"]}"' in page
