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


def test_a_smart_main_code_decides_whatever_follows() -> None:
    others = ("45000000", "45200000", "90910000", "90911000")
    items = [ItemCode("CPV", "90500000"), *(ItemCode("CPV", c) for c in others)]
    c = classify_codes(items, code_table())
    assert c is not None and (c.service, c.sub_solution, c.score) == ("eco", "smart_waste", 0.75)


def test_secondary_codes_are_weaker_evidence_than_the_main_one() -> None:
    # ted-243173-2020: a waste transfer station's construction, one refuse-services code among the works
    works = [ItemCode("CPV", c) for c in ("45232470", "45222110", "45213270", "45000000", "45213100", "45213200")]
    c = classify_codes([*works, ItemCode("CPV", "90500000")], code_table())
    assert c is not None and c.service == NOT_SMART_CITY
    # one smart code beside a not-smart main code is outvoted (0.95 x 0.5 < 0.9) ...
    c = classify_codes([ItemCode("CPV", "30200000"), ItemCode("CPV", "35125300")], code_table())
    assert c is not None and c.service == NOT_SMART_CITY
    # ... two of one service outvote it, and the service with the most votes wins
    items = [ItemCode("CPV", "45000000"), ItemCode("CPV", "35125300"), ItemCode("CPV", "32323500"),
             ItemCode("CPV", "34970000")]
    c = classify_codes(items, code_table())
    assert c is not None and (c.service, c.sub_solution) == ("safety", "intelligent_cctv")
    assert c.score == pytest.approx(0.95)


_smart_codes = ["35125300", "34970000", "65100000", "09330000", "85100000", "34928500", "64200000", "90500000"]
_plain_codes = ["45000000", "30200000", "22800000", "79711000", "01234567", "72600000", "39350000"]


@given(st.sampled_from(_smart_codes), st.lists(st.sampled_from(_smart_codes + _plain_codes), max_size=8))
def test_the_main_code_decides_when_it_is_smart(main: str, rest: list[str]) -> None:
    t = code_table()
    c = classify_codes([ItemCode("CPV", main), *(ItemCode("CPV", r) for r in rest)], t)
    alone = classify_codes([ItemCode("CPV", main)], t)
    assert c is not None and alone is not None and c.service == alone.service


@given(st.sampled_from(_plain_codes), st.lists(st.sampled_from(_smart_codes + _plain_codes), max_size=8),
       st.sampled_from(_plain_codes))
def test_another_not_smart_code_never_makes_a_notice_smart(main: str, rest: list[str], extra: str) -> None:
    t = code_table()
    before = classify_codes([ItemCode("CPV", main), *(ItemCode("CPV", r) for r in rest)], t)
    after = classify_codes([ItemCode("CPV", main), *(ItemCode("CPV", r) for r in rest), ItemCode("CPV", extra)], t)
    assert before is not None and after is not None
    assert before.service == NOT_SMART_CITY or after.service in (before.service, NOT_SMART_CITY)
    assert before.service != NOT_SMART_CITY or after.service == NOT_SMART_CITY


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


# Rows added 2026-11 after reading the CPV 2008 list (Regulation 213/2008): codes the standard files under a smart
# row that the rule makes not smart, and smart codes the table lacked.
@pytest.mark.parametrize(
    ("code", "deciding_row", "service", "sub"),
    [
        ("34993000", "34993000", "data", "smart_street_light"),  # Road lights
        ("34993100", "34993000", "data", "smart_street_light"),  # Tunnel lighting, under road lights
        ("34927000", "34927000", "transport", "traffic_management"),  # Toll equipment
        ("42961300", "42961300", "transport", "bus_information_system"),  # Vehicle location system
        ("42961200", "42961200", "eco", "smart_water_management"),  # Scada or equivalent system
        ("42961400", "42961000", "safety", "integrated_platform"),  # Dispatch system, under command and control
        ("34996100", "34996000", "transport", "traffic_management"),  # Traffic lights
        ("34971000", "34970000", "transport", "traffic_management"),  # Speed camera equipment
    ],
)
def test_rows_added_from_the_cpv_list(code: str, deciding_row: str, service: str, sub: str) -> None:
    m = code_table().lookup("CPV", code)
    assert m is not None and m.rule is not None
    assert (m.rule.code, m.service, m.rule.sub_solution) == (deciding_row, service, sub)


@pytest.mark.parametrize(
    ("exception", "parent", "parent_service"),
    [
        ("34927100", "34927000", "transport"),  # Road salt, filed under Toll equipment
        ("34996200", "34996000", "transport"),  # signalling for inland waterways, under "... for roads"
        ("35125200", "35125000", "safety"),  # working-time recorders, under Surveillance system
        ("71314100", "71314000", "energy"),  # Electrical services, under Energy and related services
        ("71314310", "71314000", "energy"),  # Heating engineering services for buildings, likewise
        ("35121000", "35120000", "safety"),  # Security equipment (buzzers, seals, tags), under surveillance
    ],
)
def test_not_smart_exceptions_under_smart_rows(exception: str, parent: str, parent_service: str) -> None:
    t = code_table()
    up = t.lookup("CPV", parent)
    assert up is not None and up.service == parent_service
    m = t.lookup("CPV", exception)
    assert m is not None and m.rule is not None and (m.rule.code, m.service) == (exception, NOT_SMART_CITY)
    c = classify_codes([ItemCode("CPV", exception)], t)
    assert c is not None and c.service == NOT_SMART_CITY


@given(st.sampled_from(["34927100", "34996200", "35125200", "71314100", "71314310"]),
       st.from_regex(r"\A[0-9]{0,2}\Z"))
def test_an_exception_covers_its_own_subtree(exception: str, tail: str) -> None:
    # whatever sits below an exception row stays not smart (its digits after the row's significant prefix)
    key = exception.rstrip("0")
    code = (key + tail + "0" * 8)[:8]
    m = code_table().lookup("CPV", code)
    assert m is not None and m.service == NOT_SMART_CITY


@pytest.mark.parametrize("code", ["27112003", "31162402", "40142320", "71122501", "95121621", "11111501"])
def test_unspsc_segments_seen_in_the_data_are_explicit_rows(code: str) -> None:
    # These segments were not smart by default; a row names them, so the evidence shows the segment's title.
    m = code_table().lookup("UNSPSC", code)
    assert m is not None and m.rule is not None and m.rule.code == code[:2] + "000000"
    assert m.service == NOT_SMART_CITY and "not in the table" not in m.evidence()


def test_table_labels_are_labels_not_notes() -> None:
    # label_en quotes the standard; remarks such as "(locks and similar)" belong in the README, not the label
    t = code_table()
    notes = ("(locks", "subscriptions)", "as a commodity", "(buildings)")
    for rule in [*t.cpv.values(), *t.unspsc.values()]:
        assert rule.label and not any(n in rule.label for n in notes), rule
    labels = {c: m.rule.label for c in ("35121000", "42961100") if (m := t.lookup("CPV", c)) and m.rule}
    assert labels == {"35121000": "Security equipment", "42961100": "Access control system"}


def test_table_csv_columns_are_well_formed() -> None:
    import csv
    from importlib import resources

    for name in ("cpv_services.csv", "unspsc_services.csv"):
        text = resources.files("kscity.reference.classification").joinpath(name).read_text("utf-8")
        rows = list(csv.reader(text.splitlines()))
        assert rows[0] == ["code", "service", "sub_solution", "strength", "label_en", "checked"]
        assert all(len(r) == 6 for r in rows[1:]), name  # a comma in a note is quoted, not a seventh column
