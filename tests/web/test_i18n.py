"""Locale negotiation, catalogs and rendering through `render` in Korean and English."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from babel.messages.pofile import read_po
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from kscity.web import i18n
from kscity.web.render import LANG_COOKIE, render, render_error, templates

with warnings.catch_warnings():
    # starlette warns when the test client runs on httpx rather than httpx2; not our concern here.
    warnings.simplefilter("ignore", UserWarning)
    from fastapi.testclient import TestClient

PO_FILES = sorted(i18n.I18N_DIR.glob("*/LC_MESSAGES/*.po"))


# ---- negotiation ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        ("en", "ko", "ko-KR", "en"),  # query beats cookie and header
        ("EN-us", None, None, "en"),
        (None, "en", "ko-KR,ko;q=0.9", "en"),  # cookie beats header
        (None, None, "en-GB,en;q=0.9,ko;q=0.8", "en"),
        (None, None, "fr-FR,fr;q=0.9,ko;q=0.8,en;q=0.7", "ko"),  # first supported by quality
        (None, None, "ko;q=0.2, en;q=0.9", "en"),  # quality, not order
        (None, None, "en;q=0, ko", "ko"),  # q=0 means "not this one"
        ("fr", "de", "ja", "ko"),  # nothing supported → default
        ("xx", "en", None, "en"),  # an unsupported query falls through to the cookie
        (None, None, None, "ko"),
        (None, None, "garbage;q=abc", "ko"),
    ],
)
def test_negotiate_locale_order(query: str | None, cookie: str | None, accept: str | None, expected: str) -> None:
    assert i18n.negotiate_locale(query, cookie, accept) == expected


# ---- catalogs -----------------------------------------------------------------------------
def test_base_domain_exists_for_every_locale() -> None:
    for locale in i18n.SUPPORTED:
        assert (i18n.I18N_DIR / locale / "LC_MESSAGES" / "base.po").is_file()


def _translated(string: object) -> bool:
    """A msgstr, or every plural msgstr[n], is non-empty."""
    if isinstance(string, str):
        return bool(string.strip())
    return isinstance(string, (tuple, list)) and all(isinstance(s, str) and s.strip() for s in string)


@pytest.mark.parametrize("path", [p for p in PO_FILES if p.parts[-3] == "ko"], ids=lambda p: p.name)
def test_every_korean_msgid_is_translated(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="ko")
    untranslated = [m.id for m in catalog if m.id and not _translated(m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{path.name}: untranslated msgids {untranslated}"
    assert not fuzzy, f"{path.name}: fuzzy entries are not used at run time: {fuzzy}"


def test_domains_are_merged_and_conflicts_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ko" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    (folder / "base.po").write_text(header + 'msgid "Home"\nmsgstr "홈"\n', encoding="utf-8")
    (folder / "countries.po").write_text(header + 'msgid "Country"\nmsgstr "국가"\n', encoding="utf-8")
    merged = i18n.load_catalog("ko", root=tmp_path)
    home, country = merged.get("Home"), merged.get("Country")
    assert home is not None and home.string == "홈"
    assert country is not None and country.string == "국가"
    (folder / "finance.po").write_text(header + 'msgid "Home"\nmsgstr "처음"\n', encoding="utf-8")
    with pytest.raises(i18n.CatalogConflict, match="Home"):
        i18n.load_catalog("ko", root=tmp_path)


@pytest.mark.parametrize("locale", i18n.SUPPORTED)
def test_shipped_catalogs_merge_without_conflict(locale: str) -> None:
    assert len(i18n.load_catalog(locale)) > 0


def test_gettext_translates_and_fills_placeholders() -> None:
    assert i18n.gettext("ko", "Countries") == "국가 정보"
    assert i18n.gettext("en", "Countries") == "Countries"
    assert i18n.gettext("ko", "not in any catalog") == "not in any catalog"
    assert i18n.gettext("en", "%(n)s rows", n=3) == "3 rows"


# ---- formatting ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("amount", "currency", "ko", "en"),
    [
        (1_234, "KRW", "1,234원", "KRW 1,234"),
        (35_000_000, "KRW", "3,500만원", "KRW 35 million"),
        (1_230_000_000, "KRW", "12.3억원", "KRW 1.2 billion"),
        (123_400_000_000, "KRW", "1,234억원", "KRW 123 billion"),
        (2_600_000_000_000, "KRW", "2.6조원", "KRW 2.6 trillion"),
        (1_230_000_000, "USD", "12.3억 달러", "USD 1.2 billion"),
        (20_000_000_000, "USD", "200억 달러", "USD 20 billion"),
        (15_000_000, "USD", "1,500만 달러", "USD 15 million"),
        (536_000, "USD", "53.6만 달러", "USD 536,000"),
        (Decimal("9600000"), "USD", "960만 달러", "USD 9.6 million"),
        (-2_500_000_000, "USD", "-25억 달러", "USD -2.5 billion"),
        (45_000_000, "EUR", "4,500만 유로", "EUR 45 million"),
    ],
)
def test_format_money(amount: int | Decimal, currency: str, ko: str, en: str) -> None:
    assert i18n.format_money(amount, currency, "ko") == ko
    assert i18n.format_money(amount, currency, "en") == en


@pytest.mark.parametrize("code,ko,en", [
    ("nl", "네덜란드어 (nl)", "Dutch (nl)"), ("en-GB", "영어 (en-GB)", "English (en-GB)"),
    ("UK", "우크라이나어 (UK)", "Ukrainian (UK)"), ("md", "md", "md"), ("not a tag", "not a tag", "not a tag"),
    (None, "—", "—"),
])
def test_format_language_names_the_code_and_keeps_it(code: str | None, ko: str, en: str) -> None:
    assert i18n.format_language(code, "ko") == ko
    assert i18n.format_language(code, "en") == en


def test_format_number_percent_date_and_missing() -> None:
    assert i18n.format_number(1234567.5, "en") == "1,234,567.5"
    assert i18n.format_number(0.5, "ko", decimals=2) == "0.50"
    assert i18n.format_percent(0.184, "ko") == "18.4%"
    assert i18n.format_percent(0.5, "en", decimals=0) == "50%"
    assert i18n.format_date("2019-06-27", "ko", format="long") == "2019년 6월 27일"
    assert i18n.format_date(date(2019, 6, 27), "en") == "Jun 27, 2019"
    assert i18n.format_money(None, "USD", "ko") == i18n.format_number(None, "en") == "—"


# ---- rendering through `render` -------------------------------------------------------------
TINY = """{% import "_macros.html" as ui %}<p id="t">{% trans %}Countries{% endtrans %}</p>
<p id="u">{{ _("Finance") }}</p><p id="m">{{ amount|money("USD") }}</p><p id="d">{{ day|date("long") }}</p>
<p id="n">{{ ratio|percent }}</p>{{ ui.sample_badge() }}
<a id="switch" href="{{ lang_url('en') }}">{{ current_path }}</a>
<p id="v">{% trans name=name %}Hello {{ name }}{% endtrans %}</p>"""


@pytest.fixture
def client() -> Iterator[TestClient]:
    loader = templates.env.loader
    assert isinstance(loader, jinja2.FileSystemLoader)
    templates.env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"tiny.html": TINY}), loader])
    app = FastAPI()

    @app.get("/tiny")
    def tiny(request: Request) -> HTMLResponse:
        context = {"amount": 1_230_000_000, "day": "2019-06-27", "ratio": 0.184, "name": "<b>Kim</b>"}
        return render(request, "tiny.html", context)

    @app.get("/page")
    def page(request: Request) -> HTMLResponse:
        return render(request, "index.html", {})

    @app.get("/missing")
    def missing(request: Request) -> HTMLResponse:
        return render_error(request, 404)

    try:
        with TestClient(app) as test_client:
            yield test_client
    finally:
        templates.env.loader = loader


def test_render_korean_by_default(client: TestClient) -> None:
    response = client.get("/tiny?x=1")
    body = response.text
    assert response.headers["content-language"] == "ko"
    assert '<p id="t">국가 정보</p>' in body
    assert '<p id="u">금융 지원</p>' in body
    assert '<p id="m">12.3억 달러</p>' in body
    assert '<p id="d">2019년 6월 27일</p>' in body
    assert '<p id="n">18.4%</p>' in body
    assert "샘플 데이터" in body
    assert 'href="/tiny?x=1&amp;lang=en"' in body
    assert "Hello &lt;b&gt;Kim&lt;/b&gt;" in body  # untranslated msgid, variables escaped
    assert LANG_COOKIE not in response.headers.get("set-cookie", "")


def test_render_english_from_query_sets_cookie(client: TestClient) -> None:
    response = client.get("/tiny?lang=en")
    body = response.text
    assert '<p id="t">Countries</p>' in body
    assert '<p id="m">USD 1.2 billion</p>' in body
    assert '<p id="d">June 27, 2019</p>' in body
    assert "Sample data" in body
    assert f"{LANG_COOKIE}=en" in response.headers["set-cookie"]
    # the cookie now carries the choice, even against the browser's header
    again = client.get("/tiny", headers={"accept-language": "ko-KR"})
    assert '<p id="t">Countries</p>' in again.text


def test_render_english_from_accept_language(client: TestClient) -> None:
    response = client.get("/tiny", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<p id="u">Finance</p>' in response.text


@pytest.mark.parametrize(
    ("lang", "html_lang", "nav", "switch"),
    [("ko", "ko", "사업 기회", "English"), ("en", "en", "Opportunities", "한국어")],
)
def test_base_template_in_both_languages(client: TestClient, lang: str, html_lang: str, nav: str, switch: str) -> None:
    body = client.get(f"/page?lang={lang}").text
    assert f'<html lang="{html_lang}">' in body
    assert nav in body and switch in body
    assert 'href="/page?lang=en"' in body and 'href="/page?lang=ko"' in body
    assert 'href="/about/sources"' in body
    for landmark in ("<header", "<main", "<footer", 'id="krds-skip-link"', 'href="#container"'):
        assert landmark in body
    for href in ("/countries", "/opportunities", "/catalogue", "/finance", "/tasks", "/imports"):
        assert f'href="{href}"' in body


def test_error_page_in_both_languages(client: TestClient) -> None:
    korean = client.get("/missing")
    assert korean.status_code == 404
    assert "페이지를 찾을 수 없습니다" in korean.text
    english = client.get("/missing?lang=en")
    assert "Page not found" in english.text
