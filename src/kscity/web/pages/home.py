"""The home page and the data-sources page."""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from kscity.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """What kscity does, in the user's language."""
    return render(request, "index.html", {})


@router.get("/about/sources", response_class=HTMLResponse)
def sources(request: Request) -> Response:
    """Where every shipped fact comes from (reference/SOURCES.md, shown as text)."""
    text = (files("kscity.reference") / "SOURCES.md").read_text(encoding="utf-8")
    shown = Markup("<pre class='ks-pre'>") + escape(text) + Markup("</pre>")
    return render(request, "sources.html", {"sources": shown})
