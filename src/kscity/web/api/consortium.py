"""JSON API for the consortium builder: propose teams, save drafts, export them (XLSX, PDF ko/en)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from kscity.services import consortium as svc
from kscity.web.deps import SessionDep

router = APIRouter(tags=["consortium"])


class ConsortiumRequest(BaseModel):
    """Needs (empty: from the opportunity's classification) and the team rules."""

    needs: list[str] = Field(default_factory=list, description="SERVICE[:SUB][@TRL]")
    k: int = 5
    max_members: int = 6
    min_sme: int = 1
    max_large: int | None = 1
    must: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    in_country: bool = False


class DraftRequest(ConsortiumRequest):
    """A proposal to save: which team (1 = best), a name and notes."""

    rank: int = 1
    name: str = ""
    notes: str = ""


def _rules(body: ConsortiumRequest) -> svc.TeamRules:
    return svc.TeamRules(k=body.k, max_members=body.max_members, min_sme=body.min_sme, must=tuple(body.must),
                         exclude=tuple(body.exclude), in_country=body.in_country, max_large=body.max_large or None,
                         needs=tuple(body.needs))


@router.post("/api/consortia/{ocid:path}/drafts", summary="Save a consortium draft", status_code=201)
def post_draft(ocid: str, body: DraftRequest, session: SessionDep) -> dict[str, Any]:
    """Propose, then save team number `rank` with notes; returns the draft."""
    res = svc.propose_consortia(session=session, ocid=ocid, rules=_rules(body))
    draft_id = svc.save_draft(session=session, proposal=res, rank=body.rank, name=body.name, notes=body.notes)
    return svc.get_draft(session=session, draft_id=draft_id)


@router.post("/api/consortia/{ocid:path}", summary="Propose consortia for an opportunity",
             responses={404: {"description": "Unknown ocid"}, 422: {"description": "Bad need, k or firm id"}})
def post_consortia(ocid: str, body: ConsortiumRequest, session: SessionDep) -> Any:
    """The k best consortia, best first; when none exists, 409 with {"infeasible": true, "reasons": [...]}."""
    res = svc.propose_consortia(session=session, ocid=ocid, rules=_rules(body))
    if res["infeasible"]:
        return JSONResponse({"infeasible": True, "reasons": res["reasons"], "needs": res["needs"]}, status_code=409)
    return res


@router.get("/api/consortium-drafts", summary="Saved consortium drafts")
def get_drafts(session: SessionDep, ocid: Annotated[str | None, Query()] = None) -> list[dict[str, Any]]:
    """Drafts, newest first."""
    return svc.list_drafts(session=session, ocid=ocid)


@router.get("/api/consortium-drafts/{draft_id}", summary="One consortium draft")
def get_draft(draft_id: int, session: SessionDep) -> dict[str, Any]:
    """One saved draft."""
    return svc.get_draft(session=session, draft_id=draft_id)


@router.get("/api/consortium-drafts/{draft_id}/export", summary="Export a draft as XLSX or PDF")
def export_draft(draft_id: int, session: SessionDep, format: Literal["xlsx", "pdf"] = "xlsx",
                 lang: Literal["ko", "en"] = "ko") -> Response:
    """The draft as a file for a bid meeting."""
    data = svc.export_draft(session=session, draft_id=draft_id, fmt=format, lang=lang)
    media = ("application/pdf" if format == "pdf" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="consortium-{draft_id}-{lang}.{format}"'})
