"""create_app(): the FastAPI application, with every API and page router discovered and included."""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kscity import __version__
from kscity.app import App, build_app
from kscity.errors import KscityError
from kscity.web import api, pages
from kscity.web.render import mount_static

STATUS = {"not_found": 404, "invalid": 422, "conflict": 409, "unavailable": 503, "refused": 403}
PROBLEM = "application/problem+json"


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def _problem(status: int, title: str, detail: str, request: Request, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            "instance": request.url.path, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _html_error(request: Request, status: int, detail: str) -> Response:
    from kscity.web.render import render_error

    return render_error(request, status, detail)


def create_app(app: App | None = None) -> FastAPI:
    """Build the web application around one kscity App (from the environment by default)."""
    kapp = app or build_app()
    web = FastAPI(
        title="kscity API",
        version=__version__,
        description="Smart-city export one-stop platform: countries, opportunities, catalogue, "
        "matching, consortia, finance. 스마트시티 해외진출 원스톱 플랫폼 API.",
    )
    web.state.kscity = kapp
    mount_static(web)

    @web.get("/healthz", include_in_schema=False)
    def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @web.exception_handler(KscityError)
    def kscity_error(request: Request, exc: KscityError) -> Response:
        status = STATUS.get(exc.kind, 400)
        locale = "ko" if "ko" in (request.query_params.get("lang") or request.cookies.get("kscity_lang") or
                                  request.headers.get("accept-language", "")[:2]) else "en"
        if _wants_html(request):
            return _html_error(request, status, exc.message(locale))
        extra = {"details": exc.details} if exc.details is not None else {}
        return _problem(status, type(exc).__name__, exc.message(locale), request, **extra)

    @web.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
                  for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if _wants_html(request):
            return _html_error(request, 422, detail)
        return _problem(422, "Invalid input", detail, request, errors=errors)

    @web.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_html(request):
            return _html_error(request, exc.status_code, str(exc.detail))
        return _problem(exc.status_code, str(exc.detail), str(exc.detail), request)

    for package in (api, pages):
        for mod in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{mod.name}")
            router = getattr(module, "router", None)
            if router is not None:
                web.include_router(router)
    return web
