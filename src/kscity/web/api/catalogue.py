"""JSON API for the catalogue: /api/companies and /api/solutions (filters, full text); edits need the admin token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response

from kscity.services import catalogue as svc
from kscity.store.queries.catalogue import CatalogueFilter
from kscity.web.deps import AdminDep, SessionDep

router = APIRouter(tags=["catalogue"])


def _filters(service: str | None, sub_solution: str | None, size: str | None, country: str | None,
             min_trl: int | None, q: str | None) -> CatalogueFilter:
    return svc.make_filter(service=service, sub_solution=sub_solution, size=size, country=country,
                           min_trl=min_trl, q_text=q)


Service = Annotated[str | None, Query(description="Service id: energy, administration, safety, transport, "
                                                  "healthcare, eco, data")]
Sub = Annotated[str | None, Query(description="Sub-solution id, e.g. transit_card")]
Size = Annotated[str | None, Query(description="large, middle, sme, startup or public")]
Country = Annotated[str | None, Query(description="Country experience (exports or deployments), ISO code")]
MinTrl = Annotated[int | None, Query(ge=1, le=9, description="Lowest maturity (TRL)")]
Text = Annotated[str | None, Query(description="Words to find in names and descriptions (ko or en)")]
Limit = Annotated[int, Query(ge=1, le=1000)]
Offset = Annotated[int, Query(ge=0)]
CompanyBody = Annotated[dict[str, Any], Body(description="A company in the shape GET /api/companies/{id} returns")]


@router.get("/api/companies", summary="List and search companies")
def get_companies(session: SessionDep, response: Response, service: Service = None, sub_solution: Sub = None,
                  size: Size = None, country: Country = None, min_trl: MinTrl = None, q: Text = None,
                  limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    """Catalogue entries {id, name {ko, en}, size, services, solutions, sample}; total in X-Total-Count."""
    items, total = svc.list_companies(session=session, filters=_filters(service, sub_solution, size, country,
                                                                         min_trl, q), limit=limit, offset=offset)
    response.headers["X-Total-Count"] = str(total)
    return items


@router.get("/api/companies/{company_id}", summary="One company", responses={404: {"description": "Unknown id"}})
def get_company(company_id: int, session: SessionDep) -> dict[str, Any]:
    """A company with capabilities, solutions (with reference deployments) and export records."""
    return svc.show_company(session=session, company_id=company_id)


@router.post("/api/companies", status_code=201, summary="Create a company (admin)")
def post_company(body: CompanyBody, session: SessionDep, _: AdminDep) -> dict[str, Any]:
    """Create a company; the same checks as an import (422 with errors per field)."""
    return svc.save_company(session=session, data=body)


@router.put("/api/companies/{company_id}", summary="Replace a company (admin)")
def put_company(company_id: int, body: CompanyBody, session: SessionDep, _: AdminDep) -> dict[str, Any]:
    """Overwrite a company with its solutions, exports and capabilities."""
    return svc.save_company(session=session, data=body, company_id=company_id)


@router.delete("/api/companies/{company_id}", status_code=204, summary="Delete a company (admin)")
def delete_company(company_id: int, session: SessionDep, _: AdminDep) -> Response:
    """Remove a company and everything it owns."""
    svc.delete_company(session=session, company_id=company_id)
    return Response(status_code=204)


@router.get("/api/solutions", summary="List and search solutions")
def get_solutions(session: SessionDep, response: Response, service: Service = None, sub_solution: Sub = None,
                  size: Size = None, country: Country = None, min_trl: MinTrl = None, q: Text = None,
                  limit: Limit = 100, offset: Offset = 0) -> list[dict[str, Any]]:
    """Solutions with their company; total in X-Total-Count."""
    items, total = svc.list_solutions(session=session, filters=_filters(service, sub_solution, size, country,
                                                                         min_trl, q), limit=limit, offset=offset)
    response.headers["X-Total-Count"] = str(total)
    return items


@router.get("/api/solutions/{solution_id}", summary="One solution", responses={404: {"description": "Unknown id"}})
def get_solution(solution_id: int, session: SessionDep) -> dict[str, Any]:
    """A solution with its deployments and its company."""
    return svc.show_solution(session=session, solution_id=solution_id)
