"""The CPV/UNSPSC code table: the plan's examples, hierarchy, defaults, malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kscity.core.classify import build_code_table, classify_codes
from kscity.core.classify.codes import normalise_code, normalise_scheme
from kscity.model.opportunity import NOT_SMART_CITY, ItemCode
from kscity.reference.classification import code_table


@pytest.mark.parametrize(
    ("code", "service", "sub"),
    [
        ("34928500", "data", "smart_street_light"),
        ("35125300", "safety", "intelligent_cctv"),
        ("34970000", "transport", "traffic_management"),
        ("65100000", "eco", "smart_water_management"),
        ("09330000", "energy", "solar_renewable"),
        ("85100000", "healthcare", None),
    ],
)
def test_plan_examples(code: str, service: str, sub: str | None) -> None:
    c = classify_codes([ItemCode("CPV", code)], code_table())
    assert c is not None and (c.service, c.sub_solution, c.method) == (service, sub, "code")
    assert any(code in e for e in c.evidence)


@pytest.mark.parametrize(
    ("code", "ancestor", "service"),
    [
        ("34928510", "34928500", "data"),  # street-lighting columns under street-lighting equipment
        ("65111000", "65100000", "eco"),  # drinking-water distribution
        ("85121000", "85100000", "healthcare"),  # medical practice under health services
        ("34928400", "34000000", NOT_SMART_CITY),  # urban furniture: a sibling of street lighting, not under it
        ("45233251-3", "45000000", NOT_SMART_CITY),  # road resurfacing with its check digit
        ("15100000", "15000000", NOT_SMART_CITY),  # food
        ("72222300", "72000000", NOT_SMART_CITY),  # back-office IT
    ],
)
def test_longest_prefix_on_the_cpv_tree(code: str, ancestor: str, service: str) -> None:
    m = code_table().lookup("CPV", code)
    assert m is not None and m.rule is not None
    assert (m.rule.code, m.service) == (ancestor, service)
    assert f"under {ancestor}" in m.evidence()


def test_unspsc_levels_and_paraguay_catalogue() -> None:
    t = code_table()
    cam = t.lookup("UNSPSC", "46171610")
    assert cam is not None and cam.service == "safety"
    # A commodity under a mapped class inherits it; DNCP Paraguay ids are UNSPSC plus a suffix.
    m = t.lookup("Catálogo de productos, bienes y servicios de la DNCP del Paraguay", "46171615-001")
    assert m is not None and m.rule is not None and m.rule.code == "46171600"
    laptop = t.lookup("UNSPSC", " 43211503")
    assert laptop is not None and laptop.service == NOT_SMART_CITY


def test_unknown_scheme_or_code_gives_no_code_decision() -> None:
    t = code_table()
    assert t.lookup("GSIN", "N7030") is None
    assert t.lookup("CPV", "12AB") is None
    assert classify_codes([ItemCode("GSIN", "N7030"), ItemCode("CPV", "x")], t) is None
    unlisted = t.lookup("CPV", "01234567")
    assert unlisted is not None and unlisted.rule is None and unlisted.service == NOT_SMART_CITY


def test_one_smart_item_makes_a_smart_notice_and_biggest_service_wins() -> None:
    items = [ItemCode("CPV", "45000000"), ItemCode("CPV", "35125300"), ItemCode("CPV", "32323500"),
             ItemCode("CPV", "34970000")]
    c = classify_codes(items, code_table())
    assert c is not None and (c.service, c.sub_solution) == ("safety", "intelligent_cctv")
    assert c.score == pytest.approx(0.95)


def test_not_smart_notice_lists_its_codes() -> None:
    c = classify_codes([ItemCode("CPV", "30192000"), ItemCode("CPV", "22800000")], code_table())
    assert c is not None and c.service == NOT_SMART_CITY and len(c.evidence) == 2


def test_bad_table_rows_are_refused_with_the_row() -> None:
    good = {"code": "35125300", "service": "safety", "sub_solution": "intelligent_cctv", "strength": "digital"}
    with pytest.raises(ValueError, match="row 3"):
        build_code_table([good, {**good, "code": "3512"}], [])
    with pytest.raises(ValueError, match="strength"):
        build_code_table([{**good, "strength": "none"}], [])
    with pytest.raises(ValueError, match="duplicates"):
        build_code_table([good, good], [])


def test_every_table_row_names_a_taxonomy_service() -> None:
    from importlib import resources

    import yaml

    tax = yaml.safe_load(resources.files("kscity.reference").joinpath("taxonomy.yaml").read_text("utf-8"))
    valid = {(s["id"], None) for s in tax["services"]} | {(s["id"], sub["id"]) for s in tax["services"]
                                                          for sub in s["subs"]}
    t = code_table()
    for rule in [*t.cpv.values(), *t.unspsc.values()]:
        assert rule.service == NOT_SMART_CITY or (rule.service, rule.sub_solution) in valid, rule


@given(st.from_regex(r"\A[0-9]{8}\Z"), st.sampled_from(["CPV", "UNSPSC"]))
def test_lookup_always_resolves_eight_digits_and_follows_a_prefix(code: str, scheme: str) -> None:
    m = code_table().lookup(scheme, code)
    assert m is not None and m.code == code
    if m.rule is not None:  # the deciding row is an ancestor (or the code itself) on the code's tree
        key = m.rule.code.rstrip("0")
        assert code.startswith(key if len(key) >= 2 else m.rule.code[:2])


def test_scheme_and_code_normalisation() -> None:
    assert normalise_scheme(" cpv ") == "CPV" and normalise_scheme("UNSPSC") == "UNSPSC"
    assert normalise_scheme("GSIN") is None
    assert normalise_code("34300000-0") == "34300000" and normalise_code("3430") is None
