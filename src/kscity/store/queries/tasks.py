"""Queries on the plan's 25 tasks (the plan_task table); they never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kscity.store.tables.reference import PlanTaskRow


def all_tasks(session: Session, *, strategy: int | None = None, status: str | None = None) -> Sequence[PlanTaskRow]:
    """Tasks by number, narrowed to a strategy and a status when given (owners are filtered by the caller)."""
    query = select(PlanTaskRow).order_by(PlanTaskRow.number)
    if strategy is not None:
        query = query.where(PlanTaskRow.strategy == strategy)
    if status is not None:
        query = query.where(PlanTaskRow.status == status)
    return session.scalars(query).all()


def task(session: Session, number: int) -> PlanTaskRow | None:
    """One task by its number."""
    return session.get(PlanTaskRow, number)
