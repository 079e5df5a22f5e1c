"""The one-stop country profile and the filtered list, on each backend."""

from __future__ import annotations

import pytest

from kscity.app import App
from kscity.errors import NotFound
from kscity.services.countries import AmbiguousCountry, country_profile, list_countries


def support(p: dict, instrument: str) -> dict:  # type: ignore[type-arg]
    return next(s for s in p["support"] if s["instrument"] == instrument)


def test_kenya_profile(loaded_app: App) -> None:
    with loaded_app.read() as s:
        p = country_profile(session=s, query="Kenia")
    assert p["iso3"] == "KEN" and p["income_group"] == "LM" and p["oecd_risk"] == 7
    assert p["name"]["ko"] == "케냐" and p["korea"]["kind_centre"] is True
    edcf = support(p, "edcf")
    assert edcf["eligible"] and "lower-middle income" in edcf["reason"] and "World Bank FY2026" in edcf["reason"]
    assert support(p, "ksure_special")["eligible"]
    assert p["business_environment"]["indicators"], "business environment has World Bank facts"
    assert p["pipeline"]["opportunities"] == 0


def test_netherlands_mou_and_no_edcf_edpf(loaded_app: App) -> None:
    with loaded_app.read() as s:
        p = country_profile(session=s, query="NLD")
    assert p["korea"]["mou"] == "2019-07" and p["oecd_risk"] is None
    assert not support(p, "edcf")["eligible"] and not support(p, "edpf")["eligible"]
    assert support(p, "cross_demonstration")["eligible"]


def test_iraq_centre_and_bismayah(loaded_app: App) -> None:
    with loaded_app.read() as s:
        p = country_profile(session=s, query="이라크")
    assert p["korea"]["kotra_centre"] == "disaster_safety"
    assert any("Bismayah" in c["name"] for c in p["reference_cases"])


@pytest.mark.parametrize("query,error", [("Atlantis", NotFound), ("dominican", AmbiguousCountry)])
def test_unknown_and_ambiguous(loaded_app: App, query: str, error: type) -> None:
    with loaded_app.read() as s, pytest.raises(error) as e:
        country_profile(session=s, query=query)
    assert e.value.details  # candidates


def test_filters(loaded_app: App) -> None:
    with loaded_app.read() as s:
        southern = list_countries(session=s, plan_group="new_southern")
        kind = list_countries(session=s, presence="kind")
        risky = list_countries(session=s, risk_min=7, income_group="LM")
    assert {"VNM", "IND", "IDN"} <= {c["iso3"] for c in southern} and len(southern) == 11
    assert {c["iso3"] for c in kind} == {"UZB", "VNM", "IDN", "KEN"}
    assert all(c["oecd_risk"] == 7 and c["income_group"] == "LM" for c in risky)
