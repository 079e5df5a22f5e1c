"""Matching pages: the "Korean firms" panel of an opportunity, the consortium builder, a firm's
"Opportunities" panel, and the page that manages alert profiles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kscity.errors import KscityError
from kscity.model.catalogue import SIZE_NAMES
from kscity.services import alerts as alerts_svc
from kscity.services import consortium as cons_svc
from kscity.services.evidence_text import solution_label
from kscity.services.matching import firms_for_opportunity, opportunities_for_firm
from kscity.services.opportunities import opportunity_detail, services_named, solution_names
from kscity.web.deps import SessionDep
from kscity.web.render import render, request_locale

router = APIRouter(include_in_schema=False)


@router.get("/opportunities/{ocid:path}/firms", response_class=HTMLResponse)
def firms_panel(ocid: str, request: Request, session: SessionDep,
                limit: Annotated[int, Query(ge=1, le=100)] = 10) -> Response:
    """The "Korean firms" panel (an htmx fragment): ranked firms with their reasons."""
    items = firms_for_opportunity(session=session, ocid=ocid, limit=limit)
    return render(request, "matching/_firms.html", {"items": items, "ocid": ocid})


@router.get("/opportunities/{ocid:path}/consortium", response_class=HTMLResponse)
def builder_page(ocid: str, request: Request, session: SessionDep,
                 need: Annotated[list[str] | None, Query()] = None, k: Annotated[int, Query()] = 3,
                 max_members: Annotated[int, Query()] = 6, min_sme: Annotated[int, Query()] = 1,
                 in_country: Annotated[str | None, Query()] = None) -> Response:
    """Needs and constraints beside the proposed teams; a team can be saved as a draft with notes."""
    o = opportunity_detail(session=session, ocid=ocid)
    needs = [n for n in (need or []) if n.strip()]
    rules = cons_svc.TeamRules(k=k, max_members=max_members, min_sme=min_sme, in_country=in_country == "1",
                               needs=tuple(needs))
    result, error = None, None
    try:
        result = cons_svc.propose_consortia(session=session, ocid=ocid, rules=rules)
    except KscityError as exc:  # shown beside the form, in the user's language
        error = exc.message(request_locale(request))
    shown_needs = needs or (result["needs"] if result else [])
    locale = request_locale(request)
    names = solution_names(session)
    covered = {c for team in (result or {}).get("consortia", []) for m in team["members"] for c in m["covers"]}
    return render(request, "matching/builder.html", {
        "o": o, "result": result, "error": error, "needs": shown_needs, "rules": rules,
        "services": services_named(session), "drafts": cons_svc.list_drafts(session=session, ocid=o["ocid"]),
        "size_names": {k: pair[1 if locale == "ko" else 0] for k, pair in SIZE_NAMES.items()},
        # a capability key ("service" or "service:sub_solution") by its names, as the team tables show it
        "capability_names": {c: solution_label(c.replace(":", "/"), names, locale) for c in covered}})


@router.post("/opportunities/{ocid:path}/consortium/save")
def save_draft(ocid: str, session: SessionDep, need: Annotated[list[str] | None, Form()] = None,
               k: Annotated[int, Form()] = 3, max_members: Annotated[int, Form()] = 6,
               min_sme: Annotated[int, Form()] = 1, in_country: Annotated[str | None, Form()] = None,
               rank: Annotated[int, Form()] = 1, name: Annotated[str, Form()] = "",
               notes: Annotated[str, Form()] = "") -> Response:
    """Save team number `rank` of the current proposal, then show the builder again."""
    rules = cons_svc.TeamRules(k=k, max_members=max_members, min_sme=min_sme, in_country=in_country == "1",
                               needs=tuple(n for n in (need or []) if n.strip()))
    res = cons_svc.propose_consortia(session=session, ocid=ocid, rules=rules)
    cons_svc.save_draft(session=session, proposal=res, rank=rank, name=name, notes=notes)
    return RedirectResponse(f"/opportunities/{ocid}/consortium#drafts", status_code=303)


@router.get("/catalogue/companies/{company_id}/opportunities", response_class=HTMLResponse)
def company_opportunities_panel(company_id: int, request: Request, session: SessionDep,
                                limit: Annotated[int, Query(ge=1, le=100)] = 10) -> Response:
    """The "Opportunities" panel of a firm (an htmx fragment)."""
    res = opportunities_for_firm(session=session, firm_id=str(company_id), limit=limit)
    ko = request_locale(request) == "ko"
    return render(request, "matching/_opportunities.html",
                  {"items": res.items, "reason": (res.reason_ko if ko else res.reason_en) or None})


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, session: SessionDep) -> Response:
    """Alert profiles: list, add, delete; each with its Atom feed."""
    return render(request, "matching/alerts.html", {"profiles": alerts_svc.list_profiles(session=session),
                                                    "services": services_named(session), "error": None})


@router.post("/alerts", response_class=HTMLResponse)
def add_alert(request: Request, session: SessionDep, name: Annotated[str, Form()] = "",
              language: Annotated[str, Form()] = "en", service: Annotated[list[str] | None, Form()] = None,
              countries: Annotated[str, Form()] = "", keywords: Annotated[str, Form()] = "",
              codes: Annotated[str, Form()] = "", min_value_usd: Annotated[str, Form()] = "",
              email: Annotated[str, Form()] = "") -> Response:
    """Save a profile from the form; an empty or bad one shows the reason above the form."""
    try:
        value = float(min_value_usd) if min_value_usd.strip() else None
        alerts_svc.add_profile(session=session, name=name, language=language, services=service or [],
                               countries=countries.replace(",", " ").split(), keywords=[
                                   w.strip() for w in keywords.split(",")], codes=codes.replace(",", " ").split(),
                               min_value_usd=value, email=email)
    except (KscityError, ValueError) as exc:
        msg = exc.message(request_locale(request)) if isinstance(exc, KscityError) else str(exc)
        return render(request, "matching/alerts.html", {"profiles": alerts_svc.list_profiles(session=session),
                                                        "services": services_named(session), "error": msg},
                      status_code=422)
    return RedirectResponse("/alerts", status_code=303)


@router.post("/alerts/{profile_id}/delete")
def delete_alert(profile_id: int, session: SessionDep) -> Response:
    """Delete a profile."""
    alerts_svc.delete_profile(session=session, profile_id=profile_id)
    return RedirectResponse("/alerts", status_code=303)
