"""JSON API for countries: the filtered list and the one-stop profile."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from kscity.errors import NotFound
from kscity.services.countries import country_profile, list_countries
from kscity.store.queries.countries import country
from kscity.web.deps import SessionDep

router = APIRouter(prefix="/api/countries", tags=["countries"])


@router.get("", summary="List countries with filters")
def get_countries(
    session: SessionDep,
    q: Annotated[str | None, Query(description="Text in the name or code")] = None,
    group: Annotated[Literal["new_southern", "new_northern", "middle_east", "latin_america", "africa",
                             "developed"] | None, Query(description="The plan's regional group")] = None,
    region: Annotated[str | None, Query(description="UN M49 region or sub-region")] = None,
    income: Annotated[Literal["L", "LM", "UM", "H"] | None, Query(description="World Bank income group")] = None,
    risk_min: Annotated[int | None, Query(ge=0, le=7)] = None,
    risk_max: Annotated[int | None, Query(ge=0, le=7)] = None,
    presence: Annotated[Literal["any", "mou", "kotra", "kind", "training"] | None, Query()] = None,
) -> list[dict[str, Any]]:
    """Countries, filtered; each with income group, OECD risk and Korean presence."""
    return list_countries(session=session, q_text=q, plan_group=group, region=region, income_group=income,
                          risk_min=risk_min, risk_max=risk_max, presence=presence)


@router.get("/{iso3}", summary="The one-stop profile of a country",
            responses={404: {"description": "Unknown ISO3 code (problem+json)"}})
def get_country(iso3: str, session: SessionDep) -> dict[str, Any]:
    """Business environment, ordering and pipeline, Korean and international support, reference cases."""
    if country(session, iso3) is None:
        raise NotFound(f"no country with ISO3 code '{iso3}'", f"ISO3 코드 '{iso3}'에 해당하는 국가가 없습니다")
    return country_profile(session=session, query=iso3.upper())
