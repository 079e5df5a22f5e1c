"""Page rendering: one Jinja2 environment with gettext, locale filters and the ko/en switch.

Every page handler calls `render(request, "page.html", {...})`. It negotiates the locale
(`?lang=` > cookie `kscity_lang` > Accept-Language > ko), remembers an explicit `?lang=` in the
cookie, and gives templates `locale`, `_`, `current_path`, `lang_url(code)` and `static_url(path)`.
`{% trans %}` and `{{ _("...") }}` resolve the locale from the template context, or, inside
macros imported without context, from the locale of the page being rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from kscity.ingest.format_names import format_text
from kscity.ingest.positions import position_text
from kscity.web import i18n
from kscity.web.i18n.formatting import Number

__all__ = [
    "LANG_COOKIE",
    "STATIC_DIR",
    "TEMPLATES_DIR",
    "mount_static",
    "render",
    "render_error",
    "request_locale",
    "templates",
]

WEB_DIR: Final = Path(__file__).resolve().parent
TEMPLATES_DIR: Final = WEB_DIR / "templates"
STATIC_DIR: Final = WEB_DIR / "static"
STATIC_PREFIX: Final = "/static"
LANG_COOKIE: Final = "kscity_lang"
LANG_COOKIE_MAX_AGE_S: Final = 365 * 24 * 3600

_current_locale: ContextVar[str] = ContextVar("kscity_locale", default=i18n.DEFAULT_LOCALE)


def _context_locale(context: jinja2.runtime.Context) -> str:
    locale = context.get("locale")
    return locale if isinstance(locale, str) and locale in i18n.SUPPORTED else _current_locale.get()


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    return i18n.get_translations(_context_locale(context)).ugettext(message)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, singular: str, plural: str, n: int) -> str:
    return i18n.get_translations(_context_locale(context)).ungettext(singular, plural, n)


@jinja2.pass_context
def _pgettext(context: jinja2.runtime.Context, msgctxt: str, message: str) -> str:
    return i18n.get_translations(_context_locale(context)).upgettext(msgctxt, message)


@jinja2.pass_context
def _npgettext(context: jinja2.runtime.Context, msgctxt: str, singular: str, plural: str, n: int) -> str:
    return i18n.get_translations(_context_locale(context)).unpgettext(msgctxt, singular, plural, n)


@jinja2.pass_context
def _money_filter(context: jinja2.runtime.Context, amount: Number | None, currency: str = "USD") -> str:
    return i18n.format_money(amount, currency, _context_locale(context))


@jinja2.pass_context
def _number_filter(context: jinja2.runtime.Context, value: Number | None, decimals: int | None = None) -> str:
    return i18n.format_number(value, _context_locale(context), decimals=decimals)


@jinja2.pass_context
def _percent_filter(context: jinja2.runtime.Context, ratio: Number | None, decimals: int = 1) -> str:
    return i18n.format_percent(ratio, _context_locale(context), decimals=decimals)


@jinja2.pass_context
def _date_filter(context: jinja2.runtime.Context, value: date | datetime | str | None, format: str = "medium") -> str:
    return i18n.format_date(value, _context_locale(context), format=format)


@jinja2.pass_context
def _position_filter(context: jinja2.runtime.Context, position: str | None) -> str:
    return position_text(position or "", _context_locale(context))


@jinja2.pass_context
def _format_filter(context: jinja2.runtime.Context, fmt: str | None) -> str:
    return format_text(fmt, _context_locale(context))


@jinja2.pass_context
def _language_filter(context: jinja2.runtime.Context, code: str | None) -> str:
    return i18n.format_language(code, _context_locale(context))


def static_url(path: str) -> str:
    """URL of a file under web/static (mounted at /static by `mount_static`)."""
    return f"{STATIC_PREFIX}/{path.lstrip('/')}"


def _build_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(("html", "xml"), default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Newstyle gettext: `{% trans %}` and `_()` autoescape variables and use %(name)s placeholders.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    env.policies["ext.i18n.trimmed"] = True  # matches `trimmed = true` in i18n/babel.cfg
    env.filters.update(money=_money_filter, number=_number_filter, percent=_percent_filter, date=_date_filter,
                       language=_language_filter, position=_position_filter, file_format=_format_filter)
    env.globals.update(static_url=static_url, SUPPORTED_LOCALES=i18n.SUPPORTED)
    return env


templates = Jinja2Templates(env=_build_environment())


def request_locale(request: Request) -> str:
    """The locale negotiated for this request (query `lang` > cookie > Accept-Language > ko)."""
    return i18n.negotiate_locale(
        request.query_params.get("lang"),
        request.cookies.get(LANG_COOKIE),
        request.headers.get("accept-language"),
    )


def _lang_url_factory(request: Request) -> Callable[[str], str]:
    def lang_url(code: str) -> str:
        params = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
        params.append(("lang", code))
        return f"{request.url.path}?{urlencode(params)}"

    return lang_url


def _translator(locale: str) -> Callable[..., str]:
    def translate(message: str, **variables: Any) -> str:
        # Same contract as Jinja's newstyle gettext: markup-safe, variables escaped.
        text = Markup(i18n.get_translations(locale).ugettext(message))
        return text % variables if variables else text

    return translate


@contextmanager
def _rendering_locale(locale: str) -> Iterator[None]:
    token = _current_locale.set(locale)
    try:
        yield
    finally:
        _current_locale.reset(token)


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template `name` in the request's locale; sets the language cookie after `?lang=`."""
    locale = request_locale(request)
    page_context: dict[str, Any] = {
        **(context or {}),
        "request": request,
        "locale": locale,
        "_": _translator(locale),
        "current_path": request.url.path,
        "lang_url": _lang_url_factory(request),
        "static_url": static_url,
    }
    response_headers = {"Content-Language": locale, "Vary": "Cookie, Accept-Language", **(headers or {})}
    with _rendering_locale(locale):
        response = templates.TemplateResponse(
            request, name, page_context, status_code=status_code, headers=response_headers
        )
    if i18n.supported_locale(request.query_params.get("lang")):
        response.set_cookie(LANG_COOKIE, locale, max_age=LANG_COOKIE_MAX_AGE_S, path="/", samesite="lax", httponly=True)
    return response


def render_error(request: Request, status_code: int, detail: str | None = None) -> HTMLResponse:
    """The error page (404, 500, …) in the user's language; `detail` must already be translated."""
    return render(request, "error.html", {"status_code": status_code, "detail": detail}, status_code)


def mount_static(app: FastAPI) -> None:
    """Serve web/static at /static (name 'static'), as the templates expect."""
    app.mount(STATIC_PREFIX, StaticFiles(directory=str(STATIC_DIR)), name="static")
