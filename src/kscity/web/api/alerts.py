"""JSON API for alert profiles, and the Atom feed of each profile."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kscity.errors import KscityError
from kscity.services import alerts as svc
from kscity.web.deps import AdminDep, AppDep, SessionDep

router = APIRouter(tags=["alerts"])


class MailUnavailable(KscityError):
    """The configured SMTP server could not take the digests (nothing was recorded as delivered)."""

    kind = "unavailable"


class ProfileCreate(BaseModel):
    """A new alert profile; at least one criterion is required."""

    name: str
    language: Literal["ko", "en"] = "en"
    firm_id: int | None = None
    services: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    min_value_usd: float | None = None
    email: str = ""


@router.get("/api/alerts", summary="Alert profiles")
def get_profiles(session: SessionDep, firm_id: int | None = None) -> list[dict[str, Any]]:
    """Every profile (of one firm when given)."""
    return svc.list_profiles(session=session, firm_id=firm_id)


@router.post("/api/alerts", summary="Save an alert profile", status_code=201)
def post_profile(body: ProfileCreate, session: SessionDep) -> dict[str, Any]:
    """Save a profile; an empty one is refused (422)."""
    return svc.add_profile(session=session, **body.model_dump())


@router.delete("/api/alerts/{profile_id}", summary="Delete an alert profile", status_code=204)
def delete_profile(profile_id: int, session: SessionDep) -> Response:
    """Delete a profile and its delivery history."""
    svc.delete_profile(session=session, profile_id=profile_id)
    return Response(status_code=204)


@router.post("/api/alerts/run", summary="Run every alert profile now (admin)")
def post_run(session: SessionDep, kapp: AppDep, _admin: AdminDep) -> dict[str, Any]:
    """What is new for each profile; e-mail digests when KSCITY_SMTP_HOST is set. 503 when the mail server fails."""
    smtp = svc.smtp_config_from(kapp.settings)
    try:
        return svc.run_alerts(session=session, smtp=smtp)
    except OSError as exc:
        raise MailUnavailable(f"cannot send e-mail: {exc}", f"이메일을 보낼 수 없습니다: {exc}") from None


@router.get("/alerts/{profile_id}/feed.atom", summary="Atom feed of a profile")
def feed(profile_id: int, request: Request, session: SessionDep) -> Response:
    """The profile's delivered items as Atom 1.0, in its language."""
    xml = svc.profile_feed(session=session, profile_id=profile_id, base_url=str(request.base_url))
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
