"""Opportunity pages: the list with filters and sorting, and one opportunity."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kscity.services.evidence_text import evidence_lines, link_reason
from kscity.services.opportunities import (
    TIMELINE_NOTICES,
    opportunity_detail,
    search_opportunities,
    services_named,
    solution_names,
)
from kscity.web.deps import SessionDep
from kscity.web.render import render, request_locale

router = APIRouter(include_in_schema=False)
SORTS = ("deadline", "value", "published", "title")
DEFAULT_SERVICE = "smart_city"  # the page's service filter when the request names none


@router.get("/opportunities", response_class=HTMLResponse)
def opportunities_page(
    request: Request, session: SessionDep,
    country: Annotated[str | None, Query()] = None, service: Annotated[str | None, Query()] = None,
    stage: Annotated[str | None, Query()] = None, open: Annotated[str | None, Query()] = None,
    q: Annotated[str | None, Query()] = None, sort: Annotated[str, Query()] = "deadline",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    """Filters, full-text search, sorting by deadline or value, pagination. Opened without a service filter the
    page lists smart-city opportunities (what its users come for; most published notices are not); the filter's
    "All" (an empty value) lists every notice."""
    sort_key = sort if sort in SORTS else "deadline"
    service = DEFAULT_SERVICE if service is None else service
    res = search_opportunities(session=session, country=(country or None), service=service or None,
                               stage=stage or None, open_only=open == "1", q=q or None, sort=sort_key,  # type: ignore[arg-type]
                               page=page, per_page=25)
    filters = {"country": country or "", "service": service or "", "stage": stage or "", "open": open or "",
               "q": q or "", "sort": sort_key}
    # the same search as a download: only the filters set, in the API's terms, and the page's language
    wanted = {k: v for k, v in filters.items() if v and k != "open"} | ({"open": "true"} if open == "1" else {})
    export_query = urlencode(wanted | {"lang": request_locale(request)})
    template = "opportunities/_rows.html" if request.headers.get("HX-Request") else "opportunities/list.html"
    return render(request, template, {"res": res, "filters": filters, "services": services_named(session),
                                      "pages": max(1, -(-res["total"] // 25)), "export_query": export_query})


@router.get("/opportunities/{ocid:path}", response_class=HTMLResponse)
def opportunity_page(ocid: str, request: Request, session: SessionDep) -> Response:
    """Sources, classification with evidence, timeline, items and documents."""
    d = opportunity_detail(session=session, ocid=ocid)
    names = solution_names(session)
    locale = request_locale(request)
    evidence = evidence_lines(d["classification"]["evidence"], names, locale)
    for source in d["linked"]:
        source["reasons_shown"] = [link_reason(r, locale) for r in source["link_reasons"]]
    return render(request, "opportunities/detail.html", {"o": d, "names": names, "evidence": evidence,
                                                         "timeline_limit": TIMELINE_NOTICES})
