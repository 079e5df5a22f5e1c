"""Catalogue pages: searchable catalogue, company and solution pages, edit forms and file downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.background import BackgroundTask

from kscity.errors import InvalidInput
from kscity.model.catalogue import SIZE_NAMES
from kscity.services import catalogue as svc
from kscity.web.deps import AdminDep, SessionDep
from kscity.web.render import render, request_locale

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25
KINDS = ("hardware", "software", "service", "platform")
Opt = Annotated[str | None, Query()]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _options(locale: str) -> dict[str, Any]:
    ko = locale == "ko"
    services = [(s["id"], s[locale]) for s in svc.taxonomy_data()["services"]]
    subs = [(sub["id"], f"{s[locale]} · {sub[locale]}") for s in svc.taxonomy_data()["services"] for sub in s["subs"]]
    sizes = [(k, v[1] if ko else v[0]) for k, v in SIZE_NAMES.items()]
    return {"service_options": services, "sub_options": subs, "size_options": sizes,
            "names": svc.service_names(locale), "size_names": dict(sizes)}


@router.get("/catalogue", response_class=HTMLResponse)
def catalogue_page(request: Request, session: SessionDep, q: Opt = None, service: Opt = None, sub_solution: Opt = None,
                   size: Opt = None, country: Opt = None, min_trl: Opt = None, page: Opt = None) -> Response:
    """The catalogue with filters (service, sub-solution, size, country experience, maturity, text)."""
    filters = {"q": q or "", "service": service or "", "sub_solution": sub_solution or "", "size": size or "",
               "country": country or "", "min_trl": min_trl or ""}
    f = svc.make_filter(service=service, sub_solution=sub_solution, size=size, country=country,
                        min_trl=_int(min_trl), q_text=q)
    number = max(1, _int(page) or 1)
    items, total = svc.list_companies(session=session, filters=f, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    query = urlencode({k: v for k, v in filters.items() if v})
    context = {"items": items, "total": total, "filters": filters, "page": number,
               "pages": (total + PAGE_SIZE - 1) // PAGE_SIZE, "base_url": "/catalogue" + (f"?{query}" if query else ""),
               "trl_options": [(str(i), f"TRL {i}+") for i in range(1, 10)], **_options(request_locale(request))}
    template = "catalogue/_rows.html" if request.headers.get("HX-Request") else "catalogue/list.html"
    return render(request, template, context)


@router.get("/catalogue/companies/new", response_class=HTMLResponse)
def new_company_page(request: Request) -> Response:
    """An empty company form."""
    blank: dict[str, Any] = {
        "id": None, "brn": "", "name": {"ko": "", "en": ""}, "size": "sme", "public_corporation": False,
        "member_since": None, "headquarters": "", "website": "", "contact": "", "sample": False,
        "solutions": [], "exports": [], "capabilities": []}
    return render(request, "catalogue/edit.html", {"company": blank, "errors": [], "kinds": KINDS,
                                                   **_options(request_locale(request))})


@router.get("/catalogue/companies/{company_id}", response_class=HTMLResponse)
def company_page(company_id: int, request: Request, session: SessionDep) -> Response:
    """A company: details, solutions with references, exports by country."""
    company = svc.show_company(session=session, company_id=company_id)
    return render(request, "catalogue/company.html", {"c": company, **_options(request_locale(request))})


@router.get("/catalogue/solutions/{solution_id}", response_class=HTMLResponse)
def solution_page(solution_id: int, request: Request, session: SessionDep) -> Response:
    """A solution: description, maturity, standards, reference deployments, its company."""
    solution = svc.show_solution(session=session, solution_id=solution_id)
    return render(request, "catalogue/solution.html", {"s": solution, **_options(request_locale(request))})


@router.get("/catalogue/companies/{company_id}/edit", response_class=HTMLResponse)
def edit_company_page(company_id: int, request: Request, session: SessionDep) -> Response:
    """The edit form of a company and its solutions (saving needs the admin token)."""
    company = svc.show_company(session=session, company_id=company_id)
    return render(request, "catalogue/edit.html", {"company": company, "errors": [], "kinds": KINDS,
                                                   **_options(request_locale(request))})


def _form_company(form: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON shape of a company from the edit form; exports and deployments are kept from the stored one."""
    def get(name: str) -> str:
        return str(form.get(name, "") or "").strip()

    solutions = []
    old = {s["key"]: s for s in (existing or {}).get("solutions", [])}
    for i in range(int(get("solution_count") or 0) + 1):
        key = get(f"s{i}_key")
        if not key or get(f"s{i}_delete"):
            continue
        solutions.append({
            "key": key, "name": {"ko": get(f"s{i}_name_ko"), "en": get(f"s{i}_name_en")},
            "service": get(f"s{i}_service"), "sub_solution": get(f"s{i}_sub_solution") or None,
            "kind": get(f"s{i}_kind"), "trl": get(f"s{i}_trl"),
            "description": {"ko": get(f"s{i}_description_ko"), "en": get(f"s{i}_description_en")},
            "standards": [x.strip() for x in get(f"s{i}_standards").split(";") if x.strip()],
            "codes": old.get(key, {}).get("codes", []), "deployments": old.get(key, {}).get("deployments", [])})
    return {"brn": get("brn"), "name": {"ko": get("name_ko"), "en": get("name_en")}, "size": get("size"),
            "public_corporation": bool(get("public_corporation")), "member_since": get("member_since") or None,
            "headquarters": get("headquarters"), "website": get("website"), "contact": get("contact"),
            "sample": bool(get("sample")), "capabilities": (existing or {}).get("capabilities", []),
            "solutions": solutions, "exports": (existing or {}).get("exports", [])}


async def _save(request: Request, session: SessionDep, company_id: int | None) -> Response:
    form = dict((await request.form()).items())
    existing = svc.show_company(session=session, company_id=company_id) if company_id is not None else None
    data = _form_company(form, existing)
    try:
        saved = svc.save_company(session=session, data=data, company_id=company_id)
    except InvalidInput as exc:
        locale = request_locale(request)
        errors = [e["message"] for e in exc.details] if isinstance(exc.details, list) else [exc.message(locale)]
        shown = {**data, "id": company_id}
        return render(request, "catalogue/edit.html", {"company": shown, "errors": errors, "kinds": KINDS,
                                                       **_options(locale)}, status_code=422)
    return RedirectResponse(f"/catalogue/companies/{saved['id']}", status_code=303)


@router.post("/catalogue/companies/new", response_class=HTMLResponse)
async def create_company(request: Request, session: SessionDep, _: AdminDep) -> Response:
    """Create a company from the form (admin)."""
    return await _save(request, session, None)


@router.post("/catalogue/companies/{company_id}/edit", response_class=HTMLResponse)
async def save_company(company_id: int, request: Request, session: SessionDep, _: AdminDep) -> Response:
    """Save the edit form (admin); errors re-show the form with row and field messages."""
    return await _save(request, session, company_id)


@router.post("/catalogue/admin", response_class=HTMLResponse)
def admin_login(request: Request, token: Annotated[str, Form()], next_url: Annotated[str, Form()] = "/catalogue") \
        -> Response:
    """Remember the admin token in a cookie so that edit forms can be saved (accounts come later)."""
    target = next_url if next_url.startswith("/") and not next_url.startswith("//") else "/catalogue"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie("kscity_admin", token, httponly=True, samesite="strict", path="/")
    return response


@router.get("/catalogue/export.{fmt}")
def export_file(fmt: str, request: Request, session: SessionDep, lang: Opt = None, service: Opt = None,
                size: Opt = None, country: Opt = None, q: Opt = None) -> Response:
    """Download the (filtered) catalogue as PDF, XLSX or JSON in Korean or English."""
    if fmt not in ("pdf", "xlsx", "json"):
        raise InvalidInput(f"format must be pdf, xlsx or json (got {fmt!r})",
                           f"형식은 pdf, xlsx, json 중 하나입니다 ({fmt!r})")
    language = lang if lang in ("ko", "en") else request_locale(request)
    f = svc.make_filter(service=service, size=size, country=country, q_text=q)
    folder = tempfile.mkdtemp(prefix="kscity-cat-")
    path = Path(folder) / f"catalogue-{language}.{fmt}"
    svc.export_catalogue(session=session, fmt=fmt, lang=language, output=path, filters=f)  # type: ignore[arg-type]

    def cleanup() -> None:
        path.unlink(missing_ok=True)
        Path(folder).rmdir()

    return FileResponse(path, filename=path.name, background=BackgroundTask(cleanup))
