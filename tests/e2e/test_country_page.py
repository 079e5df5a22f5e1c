"""A user reads the country page in Korean and English in a real browser and switches language."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_country_page_korean_then_english(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/countries/KEN?lang=ko")
    assert page.locator("h1").first.inner_text().startswith("케냐")
    assert page.get_by_text("사업 환경").first.is_visible()
    assert page.locator("[data-instrument=edcf]").inner_text().find("지원 가능") >= 0
    page.get_by_role("link", name="English").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith("Kenya")
    assert "EDCF: eligible" in page.locator("[data-instrument=edcf]").inner_text()
    assert page.evaluate("document.documentElement.lang") == "en"


def test_country_search_filters_in_place(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/countries?lang=en")
    page.select_option("#filter-form-presence", "kind")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#country-rows tbody tr")
    expect(rows).to_have_count(4)
    names = {rows.nth(i).locator("th").inner_text().split("\n")[0].strip() for i in range(rows.count())}
    assert any("Kenya" in n for n in names) and any("Uzbekistan" in n for n in names)
    assert "presence=kind" in page.url
