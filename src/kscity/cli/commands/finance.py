"""`kscity finance stack | cashflow | fund`: the capital stack, project cash flows and the PIS fund simulator."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kscity.cli.context import EXIT_USAGE, OutputFormat, cli_locale, emit, fail, get_app, user_errors
from kscity.services import finance as svc

finance = typer.Typer(help="Financing: capital stack, cash flows, PIS fund (금융: 자본구조, 현금흐름, PIS 펀드).",
                      no_args_is_help=True)

Fmt = Annotated[OutputFormat, typer.Option("--format", help="text or json")]
Country = Annotated[str, typer.Option("--country", help="ISO3 code, e.g. KEN (국가 ISO3 코드)")]
Cost = Annotated[float, typer.Option("--cost-usd", help="total project cost in USD, > 0 (총사업비, 달러)")]
Commercial = Annotated[bool, typer.Option("--commercial/--non-commercial",
                                          help="commercial project or aid (상업/비상업)")]
Spc = Annotated[bool, typer.Option("--spc/--contract",
                                   help="investment-development SPC or plain contract (투자개발형/도급)")]
Firms = Annotated[list[str] | None, typer.Option(
    "--firm", help="consortium firm size: large|middle|sme|startup|public; repeat (컨소시엄 기업 규모)")]
Tenor = Annotated[int, typer.Option("--tenor", help="project tenor in years, 1–40 (사업 기간)")]
Build = Annotated[int, typer.Option("--construction-years", help="construction years, 1–10 (건설 기간)")]
Mdb = Annotated[bool, typer.Option("--mdb-partner", help="an MDB or ECA co-invests (MDB·ECA 공동투자)")]


@contextmanager
def _session() -> Iterator[Session]:
    app = get_app()
    try:
        with user_errors():
            app.check_database()
        with app.read() as session:
            yield session
    except DBAPIError as exc:
        fail(f"error: the database is not ready ({type(exc.orig).__name__}); run `kscity init` first", EXIT_USAGE)


def _money(x: float) -> str:
    return f"USD {x:,.0f}"


def _stack_text(d: dict[str, Any]) -> str:
    ko = cli_locale() == "ko"
    c = d["country"]
    out = [f"{c['name']['ko' if ko else 'en']} ({c['iso3']}) · income {c['income_group']} · OECD risk {c['oecd_risk']}",
           f"{'instrument':<22}{'amount':>20}{'share':>8}  {'rate':>6} {'tenor':>5} {'grace':>5}"]
    for ln in d["lines"]:
        t = ln["terms"]
        rate = f"{t['rate_pct']:.2f}%" if "rate_pct" in t else f"~{t['target_return_pct']:.0f}%"
        out.append(f"{ln['instrument']:<22}{_money(ln['amount_usd']):>20}{ln['share']:>8.1%}  {rate:>6} "
                   f"{t.get('tenor_years', t.get('holding_years', '')):>5} {t.get('grace_years', ''):>5}")
    out.append(f"{'total':<22}{_money(d['total_usd']):>20}")
    conv = d["grant_element_convention"]
    out.append(f"grant element {d['grant_element_pct']:.1f}% (discount {conv['discount_rate_pct']:g}%, {conv['id']}: "
               f"{conv['source']})")
    for ln in d["lines"]:
        out.append(f"  · {ln['reason_ko'] if ko else ln['reason']}")
    for v in d["not_offered"]:
        out.append(f"  × {v['reason_ko'] if ko else v['reason']}")
    return "\n".join(out)


def stack(country: Country, cost_usd: Cost, commercial: Commercial, spc: Spc, firm: Firms = None,
          tenor: Tenor = 20, construction_years: Build = 3, mdb_partner: Mdb = False,
          fmt: Fmt = OutputFormat.text) -> None:
    """Propose a capital stack for a project (자본구조 제안)."""
    with _session() as session, user_errors():
        d = svc.propose_stack(session=session, country=country, cost_usd=cost_usd, commercial=commercial, spc=spc,
                              firm_sizes=tuple(firm or ()), tenor_years=tenor, construction_years=construction_years,
                              mdb_partner=mdb_partner)
    emit(d, fmt, lambda: _stack_text(d))


def _cashflow_text(d: dict[str, Any]) -> str:
    s = d["summary"]

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.1%}"

    out = [f"{'year':>4}{'capex':>16}{'revenue':>16}{'CFADS':>16}{'debt service':>16}{'DSCR':>7}"]
    ds = [sum(v[i] for v in d["debt_service"].values()) for i in range(len(d["years"]))]
    for i, y in enumerate(d["years"]):
        dscr = d["dscr"][i]
        out.append(f"{y:>4}{d['capex'][i]:>16,.0f}{d['revenue'][i]:>16,.0f}{d['cfads'][i]:>16,.0f}{ds[i]:>16,.0f}"
                   f"{'' if dscr is None else f'{dscr:.2f}':>7}")
    out.append(f"project IRR {pct(s['project_irr'])} · NPV {_money(s['project_npv_usd'])} · equity IRR "
               f"{pct(s['equity_irr'])} · NPV {_money(s['equity_npv_usd'])} · min DSCR "
               f"{'—' if s['min_dscr'] is None else format(s['min_dscr'], '.2f')}")
    for r in d["sensitivity"]:
        out.append(f"  {r['variable']:<14} equity NPV {r['low_label']}: {_money(r['low_equity_npv'])}  "
                   f"{r['high_label']}: {_money(r['high_equity_npv'])}")
    return "\n".join(out)


def cashflow(country: Country, cost_usd: Cost, commercial: Commercial, spc: Spc, firm: Firms = None,
             tenor: Tenor = 20, construction_years: Build = 3, mdb_partner: Mdb = False,
             revenue_usd: Annotated[float | None, typer.Option(
                 "--revenue-usd", help="revenue or availability payment per year, USD (연 수입)")] = None,
             opex_pct: Annotated[float | None, typer.Option("--opex-pct", help="opex, % of revenue (운영비)")] = None,
             growth_pct: Annotated[float, typer.Option("--growth-pct", help="revenue growth %/yr")] = 2.0,
             discount_pct: Annotated[float | None, typer.Option("--discount-pct", help="NPV discount rate %")] = None,
             fmt: Fmt = OutputFormat.text) -> None:
    """Project cash flows by year with IRR, NPV, DSCR and a sensitivity table (현금흐름)."""
    with _session() as session, user_errors():
        d = svc.project_cashflow(session=session, country=country, cost_usd=cost_usd, commercial=commercial, spc=spc,
                                 firm_sizes=tuple(firm or ()), tenor_years=tenor,
                                 construction_years=construction_years, mdb_partner=mdb_partner,
                                 revenue_usd=revenue_usd, opex_pct=opex_pct, revenue_growth_pct=growth_pct,
                                 discount_rate_pct=discount_pct)
    emit(d, fmt, lambda: _cashflow_text(d))


def _parse_shares(text: str | None) -> tuple[float, ...] | None:
    if text is None:
        return None
    try:
        return tuple(float(x) for x in text.split(","))
    except ValueError:
        fail(f"error: --tranche-shares must be three percentages like 10,30,60 (got {text!r})", EXIT_USAGE)


def _fund_text(d: dict[str, Any]) -> str:
    p = d["portfolio"]
    out = [f"portfolio {p['size']:,.0f}억원 · expected loss {p['expected_loss']:,.1f} · P(loss) {p['p_loss']:.1%} · "
           f"VaR99 {p['var99']:,.1f}"]
    for fund in ("pis", "gif"):
        out.append(f"{fund.upper()} ({d[fund]['order']})")
        out.append(f"  {'tranche':<11}{'size':>8}{'EL':>9}{'P(loss)':>9}{'VaR99':>9}{'E[return]':>11}")
        for t in d[fund]["tranches"]:
            out.append(f"  {t['name']:<11}{t['size']:>8,.0f}{t['expected_loss']:>9,.1f}{t['p_loss']:>9.1%}"
                       f"{t['var99']:>9,.1f}{t['expected_return']:>11.1%}")
    ko = cli_locale() == "ko"
    out.append(d["effects"]["orders_formula"]["ko" if ko else "en"])
    out.append(d["effects"]["jobs_formula"]["ko" if ko else "en"])
    return "\n".join(out)


def fund(paths: Annotated[int, typer.Option("--paths", help="Monte Carlo paths (경로 수)")] = 100_000,
         seed: Annotated[int, typer.Option("--seed", help="random seed (난수 시드)")] = 1,
         projects: Annotated[int | None, typer.Option("--projects", help="SPC stakes (사업 수)")] = None,
         rho: Annotated[float | None, typer.Option("--rho", help="asset correlation 0–0.99")] = None,
         horizon_years: Annotated[float | None, typer.Option("--horizon-years", help="holding years 1–20")] = None,
         tranche_shares: Annotated[str | None, typer.Option(
             "--tranche-shares", help="government,public,private in %, adding to 100 (e.g. 10,30,60)")] = None,
         fmt: Fmt = OutputFormat.text) -> None:
    """Simulate the PIS fund's losses per tranche, PIS and GIF loss orders side by side (PIS 펀드 시뮬레이션)."""
    shares = _parse_shares(tranche_shares)
    max_paths = get_app().settings.max_fund_paths
    with user_errors():
        if fmt is OutputFormat.text and sys.stderr.isatty():
            from rich.progress import Progress

            with Progress(transient=True) as bar:
                task = bar.add_task("simulating", total=paths)
                d = svc.simulate_fund(paths=paths, seed=seed, max_paths=max_paths, projects=projects, rho=rho,
                                      horizon_years=horizon_years, tranche_shares_pct=shares,
                                      on_progress=lambda k: bar.advance(task, k))
        else:
            d = svc.simulate_fund(paths=paths, seed=seed, max_paths=max_paths, projects=projects, rho=rho,
                                  horizon_years=horizon_years, tranche_shares_pct=shares)
    emit(d, fmt, lambda: _fund_text(d))


def register(app: typer.Typer) -> None:
    """Add the `finance` command group."""
    finance.command("stack")(stack)
    finance.command("cashflow")(cashflow)
    finance.command("fund")(fund)
    app.add_typer(finance, name="finance")
