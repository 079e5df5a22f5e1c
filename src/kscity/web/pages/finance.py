"""The finance page: capital stack, cash flows and the PIS fund simulator, with charts, in Korean and English."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from kscity.errors import KscityError
from kscity.services import finance as svc
from kscity.web.deps import AppDep, SessionDep
from kscity.web.render import render, request_locale

router = APIRouter(include_in_schema=False)

PAGE_PATHS = 20_000  # enough for stable figures on a page; the CLI and API go higher


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text not in (None, "") else default
    except ValueError:
        return float("nan")  # the service then names the field and its range


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text not in (None, "") else default
    except ValueError:
        return -1  # out of every range: the service names the field and its range


@router.get("/finance", response_class=HTMLResponse)
def finance_page(
    request: Request,
    session: SessionDep,
    app: AppDep,
    country: Annotated[str, Query(max_length=3)] = "KEN",
    cost_usd: Annotated[str | None, Query()] = None,
    commercial: Annotated[str, Query()] = "0",
    spc: Annotated[str, Query()] = "0",
    firm: Annotated[list[str] | None, Query()] = None,
    tenor: Annotated[str | None, Query()] = None,
    mdb_partner: Annotated[str, Query()] = "0",
    seed: Annotated[str | None, Query()] = None,
) -> HTMLResponse:
    """Stack form and chart, cash flows by year with a tornado, and PIS vs GIF loss distributions."""
    locale = request_locale(request)
    firms = firm if firm is not None else ["large", "sme"]
    form: dict[str, Any] = {
        "country": country.upper(), "cost_usd": _float(cost_usd, 80_000_000), "commercial": commercial == "1",
        "spc": spc == "1", "firms": firms, "tenor": _int(tenor, 20), "mdb_partner": mdb_partner == "1",
        "seed": _int(seed, 1)}
    errors: list[str] = []
    flows: dict[str, Any] | None = None
    fund: dict[str, Any] | None = None
    try:
        flows = svc.project_cashflow(session=session, country=form["country"], cost_usd=form["cost_usd"],
                                     commercial=form["commercial"], spc=form["spc"], firm_sizes=tuple(firms),
                                     tenor_years=form["tenor"], mdb_partner=form["mdb_partner"])
    except KscityError as exc:
        errors.append(exc.message(locale))
    try:
        fund = svc.simulate_fund(paths=PAGE_PATHS, seed=form["seed"], max_paths=app.settings.max_fund_paths)
    except KscityError as exc:
        errors.append(exc.message(locale))
    countries = svc.country_choices(session=session)
    return render(request, "finance/index.html", {"form": form, "errors": errors, "flows": flows, "fund": fund,
                                                  "countries": countries, "page_paths": PAGE_PATHS},
                  status_code=422 if errors else 200)
