"""JSON API for matching: ranked firms for an opportunity, ranked opportunities for a firm."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from kscity.services.matching import firms_for_opportunity, opportunities_for_firm
from kscity.web.deps import SessionDep

router = APIRouter(tags=["matching"])
Limit = Annotated[int, Query(ge=1, le=500, description="How many results")]


@router.get("/api/matching/firms/{firm_id}/opportunities", summary="Opportunities for a firm",
            responses={404: {"description": "Unknown firm (problem+json)"}})
def get_firm_opportunities(firm_id: str, session: SessionDep, limit: Limit = 20) -> dict[str, Any]:
    """Ranked opportunities with parts and ko/en explanations; an empty list with the reason for a firm
    without solutions."""
    return opportunities_for_firm(session=session, firm_id=firm_id, limit=limit).as_json()


@router.get("/api/matching/opportunities/{ocid:path}/firms", summary="Korean firms for an opportunity",
            responses={404: {"description": "Unknown ocid (problem+json)"}})
def get_opportunity_firms(ocid: str, session: SessionDep, limit: Limit = 20) -> list[dict[str, Any]]:
    """Ranked catalogue firms with score parts, fitting solutions and ko/en explanations, best first."""
    return firms_for_opportunity(session=session, ocid=ocid, limit=limit)
