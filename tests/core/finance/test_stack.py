"""The capital stack: instrument rules from eligibility, amounts adding up exactly, terms from the table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kscity.core.eligibility import CountryTerms, ProjectTerms, verdict_for
from kscity.core.finance.stack import StackRequest, build_stack
from kscity.core.finance.tables import FinanceTables
from kscity.errors import InvalidInput
from tests.core.finance.conftest import KENYA, NIGER, PERU, VIETNAM


def amounts(stack: object) -> dict[str, float]:
    return {ln.instrument: ln.amount_usd for ln in stack.lines}  # type: ignore[attr-defined]


def test_peru_commercial_spc_gets_edpf_and_pis_not_edcf(tables: FinanceTables) -> None:
    s = build_stack(StackRequest(PERU, 300e6, commercial=True, spc=True, firm_sizes=("large", "sme")), tables)
    got = amounts(s)
    assert "edpf" in got and "pis_fund" in got and "edcf" not in got
    assert {v.instrument for v in s.not_offered} >= {"edcf"}
    equity = 300e6 * tables.number("spc_equity_share")
    assert got["pis_fund"] == pytest.approx(0.20 * equity)
    assert got["pis_fund"] + got["private_equity"] == pytest.approx(equity)


def test_kenya_non_commercial_contract_gets_edcf_and_special_accounts(tables: FinanceTables) -> None:
    s = build_stack(StackRequest(KENYA, 80e6, commercial=False, spc=False, firm_sizes=("large", "sme")), tables)
    got = amounts(s)
    assert "edcf" in got and "ksure_special" in got
    assert "kexim_export_credit" not in got  # ordinary export finance does not reach category 7
    assert "pis_fund" not in got


def test_category_7_spc_needs_an_mdb_or_eca_partner_for_pis(tables: FinanceTables) -> None:
    alone = build_stack(StackRequest(KENYA, 100e6, commercial=True, spc=True), tables)
    assert "pis_fund" not in amounts(alone)
    assert any(v.instrument == "pis_fund" for v in alone.not_offered)
    partnered = build_stack(StackRequest(KENYA, 100e6, commercial=True, spc=True, mdb_partner=True), tables)
    assert {"pis_fund", "mdb_cofinance"} <= set(amounts(partnered))


def test_coexpansion_rate_is_the_base_rate_less_the_rule_cut(tables: FinanceTables) -> None:
    s = build_stack(StackRequest(VIETNAM, 50e6, commercial=True, spc=False, firm_sizes=("large", "sme")), tables)
    line = next(ln for ln in s.lines if ln.instrument == "coexpansion")
    cut = verdict_for("coexpansion", VIETNAM, ProjectTerms(firm_sizes=("large", "sme"))).terms["rate_cut_pct_points"]
    assert line.rate_pct == pytest.approx(tables.terms_for("coexpansion", "LM").rate_pct - cut)
    without_sme = build_stack(StackRequest(VIETNAM, 50e6, commercial=True, spc=False, firm_sizes=("large",)), tables)
    assert "coexpansion" not in amounts(without_sme)


def test_terms_come_from_the_table_and_loans_end_within_the_tenor(tables: FinanceTables) -> None:
    s = build_stack(StackRequest(NIGER, 40e6, commercial=False, spc=False, tenor_years=25), tables)
    edcf = next(ln for ln in s.lines if ln.instrument == "edcf")
    row = tables.terms_for("edcf", "L")
    assert edcf.rate_pct == row.rate_pct and edcf.tenor_years == min(row.tenor_years, 25) and edcf.source == row.source
    assert all(ln.tenor_years <= 25 for ln in s.lines if ln.kind == "loan")
    assert s.discount_rate_pct == tables.discount_rate("oecd_dac_2018", "L").rate_pct
    assert 0 < s.grant_element < 1


@pytest.mark.parametrize(("field", "kwargs"), [
    ("cost_usd", {"cost_usd": 0.0}), ("cost_usd", {"cost_usd": -5.0}), ("tenor_years", {"tenor_years": 41}),
    ("construction_years", {"construction_years": 0}), ("firm", {"firm_sizes": ("giant",)}),
])
def test_bad_input_names_the_field(tables: FinanceTables, field: str, kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"country": PERU, "cost_usd": 1e6, "commercial": True, "spc": True}
    with pytest.raises(InvalidInput, match=field):
        build_stack(StackRequest(**{**base, **kwargs}), tables)  # type: ignore[arg-type]


countries = st.builds(CountryTerms, iso3=st.just("XXX"), name_en=st.just("X"), name_ko=st.just("엑스"),
                      income_group=st.sampled_from(["L", "LM", "UM", "H", None]),
                      oecd_risk=st.one_of(st.none(), st.integers(0, 7)))


@settings(max_examples=150, deadline=None)
@given(country=countries, cost=st.floats(0.01, 5e10), commercial=st.booleans(), spc=st.booleans(),
       firms=st.lists(st.sampled_from(["large", "middle", "sme", "startup", "public"]), max_size=4),
       mdb=st.booleans(), tenor=st.integers(2, 40))
def test_lines_add_up_exactly_and_respect_the_rules(tables: FinanceTables, country: CountryTerms, cost: float,
                                                    commercial: bool, spc: bool, firms: list[str], mdb: bool,
                                                    tenor: int) -> None:
    req = StackRequest(country, cost, commercial, spc, tuple(firms), tenor, 1, mdb)
    s = build_stack(req, tables)
    assert sum(round(ln.amount_usd * 100) for ln in s.lines) == round(cost * 100)
    assert all(ln.amount_usd > 0 for ln in s.lines)
    project = ProjectTerms(commercial=commercial, spc=spc, firm_sizes=tuple(firms),  # type: ignore[arg-type]
                           mdb_or_eca_partner=mdb)
    for ln in s.lines:
        if ln.instrument in ("edcf", "edpf", "pis_fund", "ksure_special", "kexim_special", "coexpansion"):
            assert verdict_for(ln.instrument, country, project).eligible, ln.instrument
