"""The plan-tasks page: the 25 tasks by strategy with status and overdue flags, a summary chart, admin updates."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kscity.errors import InvalidInput
from kscity.services import tasks as svc
from kscity.web.deps import AdminDep, Forbidden, SessionDep, require_admin
from kscity.web.render import render, request_locale

router = APIRouter(include_in_schema=False)
Opt = Annotated[str | None, Query()]

# KRDS badge variants and matching chart colours (KRDS gray-50, information-50, success-50, warning-50).
STATUS_STYLE = {"planned": ("bg-light-gray", "#8a949e"), "in_progress": ("bg-light-information", "#0b78cb"),
                "done": ("bg-light-success", "#228738"), "delayed": ("bg-light-warning", "#c78500")}


def _is_admin(request: Request) -> bool:
    """Whether the request carries the admin token (the same check as saving, so forms show only when usable)."""
    try:
        require_admin(request, request.headers.get("x-admin-token"))
    except Forbidden:
        return False
    return True


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"as_of must be a date YYYY-MM-DD (got {text!r})",
                           f"as_of(기준일)는 YYYY-MM-DD 형식의 날짜여야 합니다 (입력값 {text!r})") from None


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().lstrip("-").isdigit() else None


def _chart(summary: dict[str, Any], locale: str) -> dict[str, Any]:
    """ECharts option: one stacked horizontal bar per strategy, one series per status."""
    names = [f"{s['id']}. {s['name'][locale]}" for s in summary["strategies"]]
    series = [{"name": st["label"][locale], "type": "bar", "stack": "tasks", "barMaxWidth": 36,
               "itemStyle": {"color": STATUS_STYLE[st["id"]][1]},
               "label": {"show": True, "formatter": "{c}"},
               "data": [s["counts"][st["id"]] or None for s in summary["strategies"]]}
              for st in summary["statuses"]]
    return {"tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 24, "top": 40, "bottom": 8, "containLabel": True},
            "xAxis": {"type": "value", "minInterval": 1},
            "yAxis": {"type": "category", "inverse": True, "data": names},
            "series": series}


def _page(request: Request, session: SessionDep, *, strategy: str | None, owner: str | None, status: str | None,
          overdue: str | None, as_of: str | None, errors: dict[int, str] | None = None,
          status_code: int = 200) -> Response:
    locale = request_locale(request)
    day = _day(as_of)
    filters = {"strategy": strategy or "", "owner": owner or "", "status": status or "", "overdue": overdue or "",
               "as_of": as_of or ""}
    items = svc.list_tasks(session=session, as_of=day, strategy=_int(strategy), owner=owner or None,
                           status=status or None, overdue=overdue == "1")
    summary = svc.task_summary(session=session, as_of=day)
    groups = [{"id": s["id"], "name": s["name"], "tasks": [t for t in items if t["strategy"] == s["id"]]}
              for s in summary["strategies"]]
    query = urlencode({k: v for k, v in filters.items() if v})
    status_ids = [st["id"] for st in summary["statuses"]]
    context = {
        "strategy_options": [(str(s["id"]), f"{s['id']}. {s['name'][locale]}") for s in summary["strategies"]],
        "owner_options": [(code, f"{name[locale]} ({code})") for code, name in svc.owner_names().items()],
        "status_options": [(k, v[locale]) for k, v in svc.STATUS_LABELS.items()],
        "status_names": [st["label"][locale] for st in summary["statuses"]],
        "table_rows": [[f"{s['id']}. {s['name'][locale]}", *(s["counts"][i] for i in status_ids), s["total"]]
                       for s in summary["strategies"]],
        "total_row": [*(summary["totals"][i] for i in status_ids), summary["total"]],
        "groups": [g for g in groups if g["tasks"]], "count": len(items), "summary": summary, "as_of": day,
        "filters": filters, "query": query, "chart": _chart(summary, locale), "status_style": STATUS_STYLE,
        "owners": svc.owner_names(), "statuses": svc.STATUS_LABELS, "is_admin": _is_admin(request),
        "errors": errors or {},
    }
    template = "tasks/_groups.html" if request.headers.get("HX-Request") else "tasks/index.html"
    return render(request, template, context, status_code=status_code)


@router.get("/tasks", response_class=HTMLResponse)
def tasks_page(request: Request, session: SessionDep, strategy: Opt = None, owner: Opt = None, status: Opt = None,
               overdue: Opt = None, as_of: Opt = None) -> Response:
    """The 25 tasks grouped by strategy, filters, a status chart by strategy and the overdue list."""
    return _page(request, session, strategy=strategy, owner=owner, status=status, overdue=overdue, as_of=as_of)


@router.post("/tasks/{number}", response_class=HTMLResponse)
def update_task(number: int, request: Request, session: SessionDep, _: AdminDep,
                status: Annotated[str, Form()], note: Annotated[str, Form()] = "",
                back: Annotated[str, Form()] = "") -> Response:
    """Save a task's status and note from the page (admin); a bad status re-shows the page with the message."""
    try:
        svc.update_task(session=session, number=number, status=status, note=note)
    except InvalidInput as exc:
        return _page(request, session, strategy=None, owner=None, status=None, overdue=None, as_of=None,
                     errors={number: exc.message(request_locale(request))}, status_code=422)
    # Only a query string of our own page goes back into the redirect (never another site).
    target = "/tasks" + (f"?{back}" if back and "/" not in back and ":" not in back else "")
    return RedirectResponse(f"{target}#task-{number}", status_code=303)
