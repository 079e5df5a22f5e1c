"""An officer reads the plan-tasks page in a real browser, sees the chart, enters the admin token, updates a task."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_tasks_page_chart_filter_and_admin_update(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/tasks?lang=ko&as_of=2020-03-01")
    expect(page.locator("h1")).to_contain_text("25개 추진과제")
    expect(page.locator("tr.ks-task")).to_have_count(25)
    # ECharts drew the stacked bars (SVG renderer) from the JSON beside the canvas.
    expect(page.locator("#task-chart svg")).to_have_count(1)
    expect(page.locator("#task-1")).to_have_class("ks-task is-overdue")
    expect(page.locator("#task-2")).not_to_have_class("ks-task is-overdue")

    # Filtering swaps the task tables in place (htmx) and keeps the address shareable.
    page.select_option("#filter-form-strategy", "4")
    page.get_by_role("button", name="조회").click()
    expect(page.locator("tr.ks-task")).to_have_count(6)
    assert "strategy=4" in page.url

    # Without the token there are no forms; with it, a status change is saved and shown.
    page.goto(f"{live_server}/tasks?lang=en&as_of=2020-03-01")
    expect(page.locator("form[action='/tasks/21']")).to_have_count(0)
    page.get_by_text("Officers: enter the admin token").click()
    page.fill("#admin-token", "e2e-token")
    page.get_by_role("button", name="Remember token").click()
    page.select_option("#status-21", "done")
    page.fill("#note-21", "Council set up")
    page.locator("form[action='/tasks/21'] button").click()
    row = page.locator("#task-21")
    expect(row).to_have_attribute("data-status", "done")  # the option labels contain "Done" in any state
    expect(row).to_contain_text("Council set up")
    expect(row).not_to_have_class("ks-task is-overdue")
