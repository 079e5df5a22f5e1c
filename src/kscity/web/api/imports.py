"""JSON API for imports: upload (the same ingest service as the CLI), the imported files a page at a time, and one
file's report."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, UploadFile

from kscity.services.imports import PER_PAGE, import_detail, page_of_imports
from kscity.web.deps import AppDep, SessionDep
from kscity.web.uploads import ingest_uploads

router = APIRouter(tags=["imports"])


@router.post("/api/imports", summary="Upload files of notices to ingest", status_code=201)
def post_imports(kapp: AppDep, files: list[UploadFile], source: Annotated[str | None, Query()] = None
                 ) -> dict[str, Any]:
    """Multipart upload of OCDS/TED/CSV/XLSX files; one report per file, as `kscity ingest` prints."""
    return ingest_uploads(kapp, files, source=source)


@router.get("/api/imports", summary="Imported files, newest first")
def get_imports(
    session: SessionDep,
    response: Response,
    problems: Annotated[bool, Query(
        description="Only files with quarantined items, file errors or an interrupted import")] = False,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = PER_PAGE,
) -> list[dict[str, Any]]:
    """Import files with their counts and status (running, interrupted, resumed, done), newest first, a page at a
    time; the `X-Total-Count` header gives how many files the filter matches."""
    found = page_of_imports(session=session, page=page, per_page=per_page, problems=problems)
    response.headers["X-Total-Count"] = str(found["total"])
    imports: list[dict[str, Any]] = found["imports"]
    return imports


@router.get("/api/imports/{import_id}", summary="One import with its quarantine",
            responses={404: {"description": "Unknown import (problem+json)"}})
def get_import(import_id: int, session: SessionDep) -> dict[str, Any]:
    """An import file's report and the quarantined items it met, with reasons and raw payloads."""
    return import_detail(session=session, import_id=import_id)
