"""FastAPI dependencies: the application object and a read or write session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from kscity.app import App
from kscity.errors import KscityError


def get_app(request: Request) -> App:
    """The application object stored on the FastAPI app at creation."""
    app: App = request.app.state.kscity
    return app


def get_session(request: Request) -> Iterator[Session]:
    """A session in one transaction, committed when the route returns without error."""
    with get_app(request).transaction() as session:
        yield session


class Forbidden(KscityError):
    """Editing without the admin token."""

    kind = "refused"


def require_admin(request: Request, x_admin_token: Annotated[str | None, Header()] = None) -> None:
    """Editing needs the admin token from settings (header X-Admin-Token or cookie kscity_admin)."""
    token = x_admin_token or request.cookies.get("kscity_admin")
    if token != get_app(request).settings.admin_token:
        raise Forbidden("an admin token is needed to edit", "편집하려면 관리자 토큰이 필요합니다")


AppDep = Annotated[App, Depends(get_app)]
# scope "function": the commit happens before the response is sent, so a browser that follows a redirect after a
# save (POST → 303 → GET) reads what was saved; with the default "request" scope the commit raced the GET
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
AdminDep = Annotated[None, Depends(require_admin)]
