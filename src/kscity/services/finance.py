"""Finance use cases: propose a capital stack, model a project's cash flows, simulate the PIS fund.

Reads the editable tables shipped in kscity/reference/finance and the country facts from the database;
returns plain JSON-ready dicts that the CLI, the API and the page all show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from kscity.core.eligibility import CountryTerms
from kscity.core.finance import cashflow as cf
from kscity.core.finance import fund as fd
from kscity.core.finance.effects import headline_effects
from kscity.core.finance.stack import Stack, StackRequest, build_stack
from kscity.core.finance.tables import (
    FinanceTables,
    parse_discount_rates,
    parse_lgd,
    parse_policy,
    parse_risk_pd,
    parse_terms,
)
from kscity.errors import InvalidInput, NotFound
from kscity.services.countries import country_terms
from kscity.store.tables.reference import CountryRow

TRANCHES = ("government", "public", "private")
TRANCHE_LABELS = {"government": ("Government", "정부"), "public": ("Public bodies", "공공기관"),
                  "private": ("Private investors", "민간 투자자")}


def _text(name: str) -> str:
    return files("kscity").joinpath("reference", "finance", name).read_text(encoding="utf-8")


@cache
def finance_tables() -> FinanceTables:
    """The shipped finance tables (read once per process)."""
    fund = yaml.safe_load(_text("fund_parameters.yaml"))
    return FinanceTables(parse_terms(_text("instrument_terms.csv")), parse_policy(_text("stack_policy.csv")),
                         parse_discount_rates(_text("discount_rates.csv")), parse_risk_pd(_text("risk_pd.csv")),
                         parse_lgd(_text("lgd.csv")), fund)


def country_terms_for(*, session: Session, iso3: str) -> CountryTerms:
    """The eligibility facts of a country from the database (NotFound for an unknown code)."""
    row = session.get(CountryRow, iso3.strip().upper())
    if row is None:
        raise NotFound(f"country: unknown ISO3 code {iso3!r} (expected one of the country table's codes, e.g. KEN)",
                       f"country: 알 수 없는 ISO3 코드 {iso3!r} (예: KEN)")
    return country_terms(row)


def _stack(session: Session, country: str, cost_usd: float, commercial: bool, spc: bool,
           firm_sizes: Sequence[str], tenor_years: int, construction_years: int, mdb_partner: bool) -> Stack:
    terms = country_terms_for(session=session, iso3=country)
    req = StackRequest(terms, float(cost_usd), commercial, spc, tuple(firm_sizes), int(tenor_years),
                       int(construction_years), mdb_partner)
    return build_stack(req, finance_tables())


def stack_dict(stack: Stack) -> dict[str, Any]:
    """A stack as the JSON shape of the CLI and API."""
    c, r = stack.request.country, stack.request
    lines = []
    for ln in stack.lines:
        terms: dict[str, Any] = {"rate_pct": ln.rate_pct, "tenor_years": ln.tenor_years, "grace_years": ln.grace_years,
                                 "grant_element_pct": round(100 * ln.grant_element, 2), "source": ln.source}
        if ln.kind == "equity":
            terms = {"target_return_pct": ln.target_return_pct, "holding_years": ln.tenor_years, "source": ln.source}
        lines.append({"instrument": ln.instrument, "name": {"en": ln.name_en, "ko": ln.name_ko}, "kind": ln.kind,
                      "amount_usd": ln.amount_usd, "share": ln.share, "terms": {**terms, **ln.extra_terms},
                      "reason": ln.reason_en, "reason_ko": ln.reason_ko})
    return {
        "country": {"iso3": c.iso3, "name": {"en": c.name_en, "ko": c.name_ko}, "income_group": c.income_group,
                    "oecd_risk": c.oecd_risk},
        "project": {"cost_usd": r.cost_usd, "commercial": r.commercial, "spc": r.spc, "firm_sizes": list(r.firm_sizes),
                    "tenor_years": r.tenor_years, "construction_years": r.construction_years,
                    "mdb_partner": r.mdb_partner},
        "lines": lines,
        "total_usd": sum(round(ln.amount_usd * 100) for ln in stack.lines) / 100,
        "grant_element_pct": round(100 * stack.grant_element, 2),
        "grant_element_convention": {
            "id": stack.discount_convention, "discount_rate_pct": stack.discount_rate_pct,
            "oda_threshold_pct": stack.oda_threshold_pct, "source": stack.discount_source,
            "source_ko": stack.discount_source_ko,
            "formula": "GE = 1 − Σ_t (interest_t + principal_t) / (1 + d)^t per line; package = Σ amount·max(GE, 0) "
                       "/ cost (equity and non-concessional lines count as 0)"},
        "not_offered": [{"instrument": v.instrument, "reason": v.reason_en, "reason_ko": v.reason_ko, "rule": v.rule}
                        for v in stack.not_offered],
    }


def propose_stack(*, session: Session, country: str, cost_usd: float, commercial: bool, spc: bool,
                  firm_sizes: Sequence[str] = (), tenor_years: int = 20, construction_years: int = 3,
                  mdb_partner: bool = False) -> dict[str, Any]:
    """The proposed capital stack for a project in a country, with terms, reasons and grant element."""
    return stack_dict(_stack(session, country, cost_usd, commercial, spc, firm_sizes, tenor_years,
                             construction_years, mdb_partner))


def _lists(obj: Any) -> Any:
    """Tuples to lists, recursively, so that the result is the same as its JSON round trip."""
    if isinstance(obj, dict):
        return {k: _lists(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_lists(v) for v in obj]
    return obj


def project_cashflow(*, session: Session, country: str, cost_usd: float, commercial: bool, spc: bool,
                     firm_sizes: Sequence[str] = (), tenor_years: int = 20, construction_years: int = 3,
                     mdb_partner: bool = False, revenue_usd: float | None = None, opex_pct: float | None = None,
                     revenue_growth_pct: float = 2.0, discount_rate_pct: float | None = None) -> dict[str, Any]:
    """Cash flows by year over the project's tenor for its proposed stack, with IRR, NPV, DSCR and a tornado."""
    stack = _stack(session, country, cost_usd, commercial, spc, firm_sizes, tenor_years, construction_years,
                   mdb_partner)
    pol = finance_tables().number
    if opex_pct is not None and not 0 <= opex_pct <= 100:
        raise InvalidInput(f"opex_pct must be between 0 and 100 (got {opex_pct})",
                           f"opex_pct(운영비 비율)는 0~100이어야 합니다 (입력값 {opex_pct})")
    inputs = cf.CashflowInputs(
        cost_usd=float(cost_usd), construction_years=int(construction_years), horizon_years=int(tenor_years),
        revenue_usd_per_year=float(revenue_usd) if revenue_usd is not None
        else float(cost_usd) * pol("default_revenue_share_of_cost"),
        opex_share_of_revenue=opex_pct / 100 if opex_pct is not None else pol("default_opex_share_of_revenue"),
        revenue_growth_pct=float(revenue_growth_pct),
        discount_rate_pct=float(discount_rate_pct) if discount_rate_pct is not None
        else pol("default_discount_rate_pct"),
        lines=stack.lines, opex_local_share=pol("opex_local_share"))
    flows = cf.project_cashflows(inputs)
    sens = cf.sensitivity_table(inputs)
    out = _lists(asdict(flows))
    return {
        "stack": stack_dict(stack),
        "assumptions": {"revenue_usd_per_year": inputs.revenue_usd_per_year,
                        "opex_share_of_revenue": inputs.opex_share_of_revenue,
                        "opex_local_share": inputs.opex_local_share,
                        "revenue_growth_pct": inputs.revenue_growth_pct, "discount_rate_pct": inputs.discount_rate_pct,
                        "horizon_years": inputs.horizon_years, "construction_years": inputs.construction_years,
                        "basis": "annual, USD, pre-tax; revenue in local currency (exchange-rate shock scales it)"},
        "years": out["years"], "capex": out["capex"], "revenue": out["revenue"], "opex": out["opex"],
        "cfads": out["cfads"], "drawdown": out["drawdown"], "debt_service": out["debt_service"], "dscr": out["dscr"],
        "project_flow": out["project_flow"], "equity_flow": out["equity_flow"],
        "summary": {"project_irr": flows.project_irr, "project_npv_usd": flows.project_npv,
                    "equity_irr": flows.equity_irr, "equity_npv_usd": flows.equity_npv, "min_dscr": flows.min_dscr},
        "sensitivity": [asdict(s) for s in sens],
    }


def _fmt(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.4g}"


def _check_range(field: str, value: float, lo: float, hi: float, ko: str) -> None:
    if not lo <= value <= hi:
        raise InvalidInput(f"{field} must be between {_fmt(lo)} and {_fmt(hi)} (got {_fmt(value)})",
                           f"{field}({ko})는 {_fmt(lo)}~{_fmt(hi)} 범위여야 합니다 (입력값 {_fmt(value)})")


def validate_fund_inputs(*, paths: int, seed: int, max_paths: int, projects: int, rho: float, horizon_years: float,
                         tranche_shares_pct: Sequence[float]) -> None:
    """Raise InvalidInput naming the field and its allowed range."""
    _check_range("paths", paths, 1, max_paths, "경로 수; 설정 Settings.max_fund_paths")
    _check_range("seed", seed, 0, 2**63 - 1, "난수 시드")
    _check_range("projects", projects, 1, 5000, "사업 수")
    _check_range("rho", rho, 0.0, 0.99, "자산 상관계수")
    _check_range("horizon_years", horizon_years, 1, 20, "보유 기간(년); PIS 최장 20년")
    if len(tranche_shares_pct) != 3 or any(s < 0 for s in tranche_shares_pct):
        raise InvalidInput("tranche_shares must be three non-negative percentages: government, public, private",
                           "tranche_shares는 정부, 공공, 민간 세 개의 0 이상 비율이어야 합니다")
    if abs(sum(tranche_shares_pct) - 100.0) > 1e-6:
        raise InvalidInput(f"tranche_shares must add up to 100 % (got {sum(tranche_shares_pct):g} %)",
                           f"tranche_shares의 합은 100%여야 합니다 (합계 {sum(tranche_shares_pct):g}%)")


def default_tranche_shares() -> tuple[float, float, float]:
    """Government, public and private shares (%) of the smart-city share, from the fund parameters."""
    f = finance_tables().fund
    g, p, tot = f["mother_fund_government_krw_eok"], f["mother_fund_public_krw_eok"], f["fund_total_krw_eok"]
    return 100 * g / tot, 100 * p / tot, 100 * (tot - g - p) / tot


def _tranche_dicts(stats: list[fd.TrancheStats]) -> list[dict[str, Any]]:
    return [{"name": s.name, "label": dict(zip(("en", "ko"), TRANCHE_LABELS[s.name], strict=True)), "size": s.size,
             "expected_loss": s.expected_loss, "expected_loss_se": s.expected_loss_se, "p_loss": s.p_loss,
             "var99": s.var99, "expected_return": s.expected_return,
             "expected_return_annual": s.expected_return_annual, "loss_histogram": list(s.histogram)}
            for s in stats]


def simulate_fund(*, paths: int, seed: int, max_paths: int, projects: int | None = None, rho: float | None = None,
                  horizon_years: float | None = None, tranche_shares_pct: Sequence[float] | None = None,
                  on_progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Monte Carlo of the fund's smart-city share: losses per tranche under PIS (sequential) and GIF (pari passu)."""
    t = finance_tables()
    f = t.fund
    projects = int(projects if projects is not None else f["projects"])
    rho = float(rho if rho is not None else f["asset_correlation"])
    years = float(horizon_years if horizon_years is not None else f["horizon_years"])
    shares = tuple(float(s) for s in (tranche_shares_pct if tranche_shares_pct is not None
                                      else default_tranche_shares()))
    validate_fund_inputs(paths=paths, seed=seed, max_paths=max_paths, projects=projects, rho=rho,
                         horizon_years=years, tranche_shares_pct=shares)
    capital = float(f["smart_city_share_krw_eok"])
    mix = {int(k): float(v) for k, v in f["risk_mix"].items()}
    lgd = t.lgd["spc_equity"]
    portfolio = fd.build_portfolio(projects, capital, mix, t.annual_pd, lgd, years,
                                   float(f["target_equity_return_pct"]))
    rng = np.random.default_rng(seed)
    losses, gains = fd.simulate_losses(rng, portfolio, rho, paths, on_progress)
    sizes = np.array([capital * s / 100 for s in shares])
    alloc = fd.run_waterfalls(losses, sizes)
    port = fd.tranche_stats(["government"], np.array([capital]), losses[:, None], gains, years)[0]
    hist, edges = np.histogram(losses, bins=20, range=(0.0, capital * lgd))
    effects = headline_effects(float(f["fund_total_krw_eok"]), float(f["fund_total_krw_eok"]),
                               float(f["orders_supported_usd_for_fund"]), float(f["jobs_per_usd_10bn"]))
    return {
        "unit": "krw_eok",
        "parameters": {"paths": paths, "seed": seed, "projects": projects, "rho": rho, "horizon_years": years,
                       "lgd": lgd, "capital": capital, "tranche_shares_pct": list(shares),
                       "risk_mix": {str(k): v for k, v in mix.items()},
                       "annual_pd": {str(k): v for k, v in t.annual_pd.items()},
                       "target_equity_return_pct": float(f["target_equity_return_pct"])},
        "portfolio": {"size": capital, "expected_loss": float(losses.mean()), "expected_loss_se": port.expected_loss_se,
                      "p_loss": port.p_loss, "var99": port.var99, "expected_return": port.expected_return,
                      "expected_return_annual": port.expected_return_annual,
                      "loss_histogram": [int(h) for h in hist], "loss_bin_edges": [float(e) for e in edges]},
        "pis": {"order": "sequential: government → public → private",
                "tranches": _tranche_dicts(fd.tranche_stats(TRANCHES, sizes, alloc["pis"], gains, years))},
        "gif": {"order": "pari passu",
                "tranches": _tranche_dicts(fd.tranche_stats(TRANCHES, sizes, alloc["gif"], gains, years))},
        "orders_supported_usd": effects.orders_supported_usd,
        "jobs": effects.jobs,
        "effects": {"orders_formula": {"en": effects.orders_formula_en, "ko": effects.orders_formula_ko},
                    "jobs_formula": {"en": effects.jobs_formula_en, "ko": effects.jobs_formula_ko},
                    "source": "plan §4 (about USD 20 bn of orders for the 1.5조원 fund); KIEP (33,000 jobs per "
                              "USD 10 bn of orders)"},
    }


def country_choices(*, session: Session) -> list[dict[str, Any]]:
    """Countries for the stack form: ISO3, names, income group and OECD risk, by English name."""
    rows = session.scalars(select(CountryRow).order_by(CountryRow.name_en)).all()
    return [{"iso3": r.iso3, "name": {"en": r.name_en, "ko": r.name_ko}, "income_group": r.income_group,
             "oecd_risk": r.oecd_risk} for r in rows]
