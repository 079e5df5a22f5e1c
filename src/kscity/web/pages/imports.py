"""The imports page (upload, the list of imported files, a page at a time) and one import's report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from kscity.services.imports import INTERRUPTED_HINT, import_detail, page_of_imports, running_imports
from kscity.web.deps import AppDep, SessionDep
from kscity.web.render import render
from kscity.web.uploads import ingest_uploads

router = APIRouter(include_in_schema=False)


def _imports_context(session: Session, problems: bool, page: int) -> dict[str, Any]:
    found = page_of_imports(session=session, page=page, problems=problems, clamp=True)
    return {**found, "problems": problems, "base_url": "/imports?problems=true" if problems else "/imports"}


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, session: SessionDep, problems: bool = False,
                 page: Annotated[int, Query(ge=1)] = 1) -> Response:
    """Upload files and see the report of each import; `problems`: only the files that need a look."""
    return render(request, "imports/index.html", {**_imports_context(session, problems, page), "report": None})


@router.post("/imports", response_class=HTMLResponse)
def imports_upload(request: Request, kapp: AppDep, files: list[UploadFile]) -> Response:
    """Ingest uploaded files with the same service as the CLI; answers the report (an htmx fragment)."""
    report = ingest_uploads(kapp, files)
    with kapp.read() as session:
        context = _imports_context(session, problems=False, page=1)
    template = "imports/_report.html" if request.headers.get("HX-Request") else "imports/index.html"
    return render(request, template, {**context, "report": report})


@router.get("/imports/running", response_class=HTMLResponse)
def running_fragment(request: Request, session: SessionDep) -> Response:
    """The imports running now with their counts so far (an htmx fragment the page polls while it uploads)."""
    return render(request, "imports/_running.html", {"running": running_imports(session=session)})


@router.get("/imports/{import_id}", response_class=HTMLResponse)
def import_page(import_id: int, request: Request, session: SessionDep) -> Response:
    """One import's report and its quarantined items with reasons and raw payloads."""
    return render(request, "imports/detail.html", {"d": import_detail(session=session, import_id=import_id),
                                                   "interrupted_hint": INTERRUPTED_HINT})
