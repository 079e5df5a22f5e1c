"""JSON API for finance: capital stack, project cash flows and the PIS fund simulation (same services as the CLI)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from kscity.services import finance as svc
from kscity.web.deps import AppDep, SessionDep

router = APIRouter(prefix="/api/finance", tags=["finance"])

FirmSize = Literal["large", "middle", "sme", "startup", "public"]


class StackIn(BaseModel):
    """A project to finance."""

    model_config = ConfigDict(extra="forbid")
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$", description="ISO3 code, e.g. KEN")]
    cost_usd: Annotated[float, Field(gt=0, le=1e12, description="total cost in USD, > 0 and ≤ 10^12")]
    commercial: bool
    spc: bool = Field(description="investment-development SPC (true) or plain contract (false)")
    firm_sizes: list[FirmSize] = Field(default_factory=list, max_length=50)
    tenor_years: Annotated[int, Field(ge=1, le=40, description="project tenor, 1–40 years")] = 20
    construction_years: Annotated[int, Field(ge=1, le=10, description="1–10 years, below the tenor")] = 3
    mdb_partner: bool = False


class CashflowIn(StackIn):
    """A project with its revenue assumptions."""

    revenue_usd: Annotated[float | None, Field(ge=0, description="revenue or availability payment per year")] = None
    opex_pct: Annotated[float | None, Field(ge=0, le=100, description="opex, % of revenue")] = None
    revenue_growth_pct: Annotated[float, Field(ge=-50, le=50)] = 2.0
    discount_rate_pct: Annotated[float | None, Field(ge=0, le=50)] = None


class FundIn(BaseModel):
    """Monte Carlo settings; the path ceiling is the server's Settings.max_fund_paths."""

    model_config = ConfigDict(extra="forbid")
    paths: Annotated[int, Field(ge=1, description="Monte Carlo paths, 1 – Settings.max_fund_paths")] = 20_000
    seed: Annotated[int, Field(ge=0)] = 1
    projects: Annotated[int | None, Field(ge=1, le=5000)] = None
    rho: Annotated[float | None, Field(ge=0, le=0.99, description="asset correlation")] = None
    horizon_years: Annotated[float | None, Field(ge=1, le=20)] = None
    tranche_shares_pct: list[float] | None = Field(default=None, description="government, public, private in %")

    @field_validator("tranche_shares_pct")
    @classmethod
    def _shares_add_up(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and (len(v) != 3 or any(x < 0 for x in v) or abs(sum(v) - 100) > 1e-6):
            raise ValueError(f"must be three non-negative percentages (government, public, private) adding up to "
                             f"100 (got {v})")
        return v


@router.post("/stack", summary="Propose a capital stack", responses={404: {"description": "Unknown country"},
                                                                       422: {"description": "Invalid input"}})
def post_stack(body: StackIn, session: SessionDep) -> dict[str, Any]:
    """Lines (instrument, amount_usd, share, terms, reason) adding up to the cost, and the grant element."""
    return svc.propose_stack(session=session, **body.model_dump())


@router.post("/cashflow", summary="Project cash flows, IRR, NPV, DSCR and sensitivities",
             responses={404: {"description": "Unknown country"}, 422: {"description": "Invalid input"}})
def post_cashflow(body: CashflowIn, session: SessionDep) -> dict[str, Any]:
    """Year-by-year cash flows of the proposed stack with a tornado table."""
    return svc.project_cashflow(session=session, **body.model_dump())


@router.post("/fund", summary="Simulate the PIS fund (PIS and GIF loss orders)",
             responses={422: {"description": "Invalid input (e.g. paths over the maximum)"}})
def post_fund(body: FundIn, app: AppDep) -> dict[str, Any]:
    """Per-tranche expected loss, P(loss), VaR99, expected return; orders and jobs with formulas."""
    return svc.simulate_fund(max_paths=app.settings.max_fund_paths, **body.model_dump())
