"""JSON API for opportunities: search with filters and pages, export, one opportunity."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from kscity.services.opportunities import opportunity_detail, search_opportunities
from kscity.services.opportunity_export import MAX_ROWS, export_opportunities
from kscity.web.deps import SessionDep
from kscity.web.render import request_locale

router = APIRouter(tags=["opportunities"])


def search_filters(
    country: Annotated[str | None, Query(min_length=3, max_length=3, description="ISO3")] = None,
    service: Annotated[str | None, Query(description="Service id, smart_city or not_smart_city")] = None,
    stage: Annotated[Literal["planning", "tender", "award", "contract", "implementation"] | None, Query()] = None,
    open: Annotated[bool, Query(description="Only tenders whose deadline is ahead")] = False,
    q: Annotated[str | None, Query(description="Full-text words")] = None,
    sort: Annotated[Literal["deadline", "value", "published", "title"], Query(
        description="deadline: open tenders closing soonest first, then the latest closed")] = "deadline",
) -> dict[str, Any]:
    """The search's filters and order, shared by the list and its export."""
    return {"country": country, "service": service, "stage": stage, "open_only": open, "q": q, "sort": sort}


Filters = Annotated[dict[str, Any], Depends(search_filters)]


@router.get("/api/opportunities", summary="Search opportunities")
def get_opportunities(
    session: SessionDep,
    filters: Filters,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    """Opportunities with filters, full-text search, sorting and pagination."""
    return search_opportunities(session=session, page=page, per_page=per_page, **filters)


MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv; charset=utf-8"}


@router.get("/api/opportunities.{fmt}", summary="Export opportunities as XLSX or CSV",
            response_class=Response, responses={200: {"content": {m: {} for m in MEDIA.values()}},
                                                422: {"description": f"More than {MAX_ROWS:,} match (problem+json)"}})
def export(request: Request, session: SessionDep, fmt: Literal["xlsx", "csv"], filters: Filters) -> Response:
    """Every opportunity the same search finds, in its order, with headers and names in the request's language
    (`lang`, cookie or Accept-Language)."""
    body = export_opportunities(session=session, fmt=fmt, lang=request_locale(request), **filters)
    name = f"kscity-opportunities.{fmt}"
    return Response(body, media_type=MEDIA[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/opportunities/{ocid:path}", summary="One opportunity with its sources",
            responses={404: {"description": "Unknown ocid (problem+json)"}})
def get_opportunity(ocid: str, session: SessionDep) -> dict[str, Any]:
    """Sources, classification with evidence, items, documents."""
    return opportunity_detail(session=session, ocid=ocid)
