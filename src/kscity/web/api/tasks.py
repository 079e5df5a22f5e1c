"""JSON API for the plan's 25 tasks: /api/tasks (filters), /api/tasks/summary, one task, PATCH status (admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from kscity.services import tasks as svc
from kscity.web.deps import AdminDep, SessionDep

router = APIRouter(tags=["tasks"])

AsOf = Annotated[date | None, Query(description="Day to judge overdue tasks on (default today)")]
STATUS_TEXT = "planned, in_progress, done or delayed"


class TaskUpdate(BaseModel):
    """A status change, with an optional note that replaces the stored one."""

    # A plain string, so a wrong value gets the service's bilingual message naming the allowed ones.
    status: str = Field(description=f"One of {STATUS_TEXT}", examples=["in_progress"])
    note: str | None = Field(default=None, max_length=svc.MAX_NOTE_CHARS, description="Progress note")


@router.get("/api/tasks", summary="List the plan's tasks")
def get_tasks(
    session: SessionDep,
    response: Response,
    strategy: Annotated[int | None, Query(description="Strategy 1-4")] = None,
    owner: Annotated[str | None, Query(description="Owner code, e.g. MOLIT, KOTRA")] = None,
    status: Annotated[str | None, Query(description=STATUS_TEXT)] = None,
    overdue: Annotated[bool, Query(description="Only tasks past their due half-year")] = False,
    as_of: AsOf = None,
) -> list[dict[str, Any]]:
    """Tasks {number, strategy, title {ko, en}, due, owners, status, note, overdue, …}; count in X-Total-Count."""
    items = svc.list_tasks(session=session, as_of=as_of or date.today(), strategy=strategy, owner=owner,
                           status=status, overdue=overdue)
    response.headers["X-Total-Count"] = str(len(items))
    return items


@router.get("/api/tasks/summary", summary="Task counts by strategy and status, and the overdue tasks")
def get_summary(session: SessionDep, as_of: AsOf = None) -> dict[str, Any]:
    """Counts by strategy × status (zeros included), totals per status and the overdue tasks."""
    return svc.task_summary(session=session, as_of=as_of or date.today())


@router.get("/api/tasks/{number}", summary="One task", responses={404: {"description": "No such task"}})
def get_task(number: int, session: SessionDep, as_of: AsOf = None) -> dict[str, Any]:
    """One task with owner and strategy names and its overdue flag."""
    return svc.show_task(session=session, number=number, as_of=as_of or date.today())


@router.patch("/api/tasks/{number}", summary="Update a task's status and note (admin)",
              responses={403: {"description": "No admin token"}, 404: {"description": "No such task"},
                         422: {"description": "Status not one of the four"}})
def patch_task(number: int, body: TaskUpdate, session: SessionDep, _: AdminDep) -> dict[str, Any]:
    """Set the status (and note); needs the admin token (header X-Admin-Token or cookie kscity_admin)."""
    return svc.update_task(session=session, number=number, status=body.status, note=body.note)
