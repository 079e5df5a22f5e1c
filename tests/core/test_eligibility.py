"""The support-instrument rules, driven by plain values (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kscity.core.eligibility import (
    RULES,
    CountryTerms,
    EligibilitySettings,
    ProjectTerms,
    eligible_instruments,
    verdict_for,
)

KENYA = CountryTerms("KEN", "Kenya", "케냐", "LM", 7)
PERU = CountryTerms("PER", "Peru", "페루", "UM", 3)
NETHERLANDS = CountryTerms("NLD", "Netherlands", "네덜란드", "H", None, "not classified: high-income OECD")

countries = st.builds(
    CountryTerms,
    iso3=st.just("XXX"), name_en=st.just("X"), name_ko=st.just("엑스"),
    income_group=st.sampled_from(["L", "LM", "UM", "H", None]),
    oecd_risk=st.one_of(st.none(), st.integers(0, 7)),
)
projects = st.one_of(st.none(), st.builds(
    ProjectTerms,
    commercial=st.one_of(st.none(), st.booleans()), spc=st.one_of(st.none(), st.booleans()),
    firm_sizes=st.lists(st.sampled_from(["large", "middle", "sme", "startup", "public"]), max_size=4).map(tuple),
    mdb_or_eca_partner=st.booleans(),
))


def by_id(verdicts: tuple[object, ...]) -> dict[str, object]:
    return {v.instrument: v for v in verdicts}  # type: ignore[attr-defined]


def test_kenya_edcf_eligible_with_reason_naming_income_and_source() -> None:
    v = verdict_for("edcf", KENYA)
    assert v.eligible
    assert "lower-middle income" in v.reason_en and "World Bank FY2026" in v.reason_en
    assert "중저소득국" in v.reason_ko


def test_kenya_ultra_high_risk_gets_special_accounts() -> None:
    vs = by_id(eligible_instruments(KENYA))
    assert vs["ksure_special"].eligible and vs["kexim_special"].eligible  # type: ignore[attr-defined]


def test_commercial_project_is_not_edcf_but_edpf_in_middle_income() -> None:
    commercial = ProjectTerms(commercial=True, spc=True)
    assert not verdict_for("edcf", KENYA, commercial).eligible
    assert verdict_for("edpf", PERU, commercial).eligible
    assert not verdict_for("edcf", PERU, commercial).eligible


def test_high_income_gets_neither_edcf_nor_edpf_but_cross_demonstration() -> None:
    vs = by_id(eligible_instruments(NETHERLANDS))
    assert not vs["edcf"].eligible and not vs["edpf"].eligible  # type: ignore[attr-defined]
    assert vs["cross_demonstration"].eligible  # type: ignore[attr-defined]


def test_not_classified_risk_is_not_category_zero() -> None:
    v = verdict_for("ksure_special", NETHERLANDS)
    assert not v.eligible and "not classified" in v.reason_en


def test_pis_in_high_risk_needs_mdb_or_eca_partner() -> None:
    alone = ProjectTerms(spc=True)
    partnered = ProjectTerms(spc=True, mdb_or_eca_partner=True)
    assert not verdict_for("pis_fund", KENYA, alone).eligible
    assert verdict_for("pis_fund", KENYA, partnered).eligible
    assert verdict_for("pis_fund", PERU, alone).eligible
    assert not verdict_for("pis_fund", PERU, ProjectTerms(spc=False)).eligible


def test_coexpansion_terms_depend_on_who_goes() -> None:
    together = verdict_for("coexpansion", PERU, ProjectTerms(firm_sizes=("large", "sme")))
    alone = verdict_for("coexpansion", PERU, ProjectTerms(firm_sizes=("startup",)))
    large_only = verdict_for("coexpansion", PERU, ProjectTerms(firm_sizes=("large",)))
    assert together.terms["rate_cut_pct_points"] == 0.3 and together.terms["max_rate_cut_pct_points"] == 1.0
    assert alone.terms["guarantee_fee_cut_pct_points"] == 0.1
    assert not large_only.eligible


def test_threshold_is_a_setting() -> None:
    lenient = EligibilitySettings(ultra_high_risk_min_category=6)
    six = CountryTerms("X6", "Six", "육", "LM", 6)
    assert not verdict_for("ksure_special", six).eligible
    assert verdict_for("ksure_special", six, settings=lenient).eligible


@given(countries, projects)
def test_every_rule_answers_in_both_languages_and_edcf_edpf_follow_income(c: CountryTerms,
                                                                            p: ProjectTerms | None) -> None:
    vs = eligible_instruments(c, p)
    assert [v.instrument for v in vs] == list(RULES)
    for v in vs:
        assert v.reason_en and v.reason_ko and v.rule
    got = by_id(vs)
    if c.income_group not in ("L", "LM"):
        assert not got["edcf"].eligible  # type: ignore[attr-defined]
    if c.income_group not in ("LM", "UM"):
        assert not got["edpf"].eligible  # type: ignore[attr-defined]
    if c.oecd_risk is None:
        assert not got["ksure_special"].eligible  # type: ignore[attr-defined]
