"""Errors a user can see: each carries an English and a Korean message and a kind for the shells."""

from __future__ import annotations

from typing import Literal

ErrorKind = Literal["not_found", "invalid", "conflict", "unavailable", "refused"]


class KscityError(Exception):
    """Base of every user-facing error; shells map `kind` to an exit code or HTTP status."""

    kind: ErrorKind = "invalid"

    def __init__(self, message_en: str, message_ko: str | None = None, *, details: object = None) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_ko = message_ko or message_en
        self.details = details

    def message(self, locale: str = "en") -> str:
        """The message in the given locale."""
        return self.message_ko if locale == "ko" else self.message_en


class NotFound(KscityError):
    """Something the user named does not exist (country, ocid, firm)."""

    kind: ErrorKind = "not_found"


class InvalidInput(KscityError):
    """Input that breaks a rule; the message names the field and the allowed range."""

    kind: ErrorKind = "invalid"


class DatabaseUnavailable(KscityError):
    """The configured database cannot be reached."""

    kind: ErrorKind = "unavailable"
