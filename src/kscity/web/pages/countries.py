"""Country pages: the searchable list and the one-stop profile, in Korean and English."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kscity.errors import NotFound
from kscity.services.countries import (
    KOTRA_SECTORS,
    PLAN_GROUPS,
    AmbiguousCountry,
    country_profile,
    list_countries,
    resolve_country,
)
from kscity.store.queries.countries import country
from kscity.web.deps import SessionDep
from kscity.web.render import render, request_locale

router = APIRouter(include_in_schema=False)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/countries", response_class=HTMLResponse)
def countries_page(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query()] = None,
    group: Annotated[str | None, Query()] = None,
    income: Annotated[str | None, Query()] = None,
    risk_min: Annotated[str | None, Query()] = None,
    presence: Annotated[str | None, Query()] = None,
) -> Response:
    """Search and filter countries; an exact code or name jumps to its profile."""
    rows = list_countries(session=session, q_text=q, plan_group=group or None, income_group=income or None,
                          risk_min=_int(risk_min), presence=presence or None)
    if q and len(rows) == 0:
        try:
            found = resolve_country(session=session, query=q)
            return RedirectResponse(f"/countries/{found.iso3}", status_code=303)
        except (NotFound, AmbiguousCountry):  # no sure match: show the empty list with the query kept
            pass
    filters = {"q": q or "", "group": group or "", "income": income or "", "risk_min": risk_min or "",
               "presence": presence or ""}
    template = "countries/_rows.html" if request.headers.get("HX-Request") else "countries/list.html"
    ko = request_locale(request) == "ko"
    group_options = [(k, v[1] if ko else v[0]) for k, v in PLAN_GROUPS.items()]
    risk_options = [(str(i), str(i)) for i in range(8)]
    context = {"rows": rows, "filters": filters, "group_options": group_options, "groups": PLAN_GROUPS,
               "risk_options": risk_options}
    return render(request, template, context)


@router.get("/countries/{iso3}", response_class=HTMLResponse)
def country_page(iso3: str, request: Request, session: SessionDep) -> Response:
    """The one-stop profile: business environment, ordering and pipeline, support, presence, cases."""
    if country(session, iso3) is None:
        raise NotFound(f"no country with ISO3 code '{iso3}'", f"ISO3 코드 '{iso3}'에 해당하는 국가가 없습니다")
    if iso3 != iso3.upper():
        return RedirectResponse(f"/countries/{iso3.upper()}", status_code=301)
    profile = country_profile(session=session, query=iso3)
    return render(request, "countries/detail.html", {"p": profile, "groups": PLAN_GROUPS, "sectors": KOTRA_SECTORS})
