"""A data officer uploads notices on /imports and finds them on /opportunities and the country page."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect


def test_upload_then_browse(live_server: str, page: Any, shared_data: Path) -> None:
    page.goto(f"{live_server}/imports?lang=en")
    page.set_input_files("input[type=file]", str(shared_data / "ocds/portugal/impic-release-package.json"))
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.locator("#import-report")
    expect(report).to_contain_text("impic-release-package.json", timeout=120_000)
    expect(report).to_contain_text("Ingested")
    page.goto(f"{live_server}/opportunities?lang=en&country=PRT&sort=value&service=")
    rows = page.locator("#opp-rows tbody tr")
    expect(rows.first).to_be_visible()
    # the list as it stands, downloaded: the same rows in the same order, headers in the page's language
    with page.expect_download() as fetched:
        page.locator("a[data-export=xlsx]").click()
    assert fetched.value.suggested_filename == "kscity-opportunities.xlsx"
    sheet = load_workbook(io.BytesIO(Path(fetched.value.path()).read_bytes())).active
    listed = [r.get_attribute("data-ocid") for r in rows.all()]
    status = page.locator("#opp-rows [role=status]").inner_text()
    assert sheet["B1"].value == "Title" and sheet.max_row - 1 == int(status.split()[0].replace(",", ""))
    assert [sheet.cell(row=i + 2, column=1).value for i in range(len(listed))] == listed
    first_title = rows.first.locator("th a").inner_text()
    rows.first.locator("th a").click()
    expect(page.locator("h1")).to_contain_text(first_title[:20])
    expect(page.locator("#classification")).to_be_visible()
    # the timeline: the dated events of its notices, in order, each with its day
    days = [t.get_attribute("datetime") or "" for t in page.locator("#timeline li time").all()]
    assert days and days == sorted(days)
    expect(page.locator("#timeline")).to_contain_text("Notice published")
    page.goto(f"{live_server}/countries/PRT?lang=ko")
    expect(page.locator("#ordering")).to_contain_text("서비스별 파이프라인")


def test_bad_upload_is_reported_in_korean_page(live_server: str, page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"releases": [', encoding="utf-8")
    page.goto(f"{live_server}/imports?lang=ko")
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="가져오기", exact=True).click()
    expect(page.locator("#import-report")).to_contain_text("broken.json", timeout=60_000)
    # the officer narrows the list to the files that need a look and opens the broken one's report
    page.goto(f"{live_server}/imports?lang=ko")
    page.get_by_role("link", name="확인이 필요한 파일만").click()
    expect(page.locator("#recent-imports")).to_contain_text("확인이 필요한 파일만 보고 있습니다")
    row = page.locator("#recent-imports tbody tr", has_text="broken.json").first
    expect(row).to_contain_text("파일 오류")
    row.get_by_role("link", name="broken.json").click()
    expect(page.locator("main")).to_contain_text("broken.json")
    assert "kscity-upload" not in page.content()  # the uploaded name, not the scratch copy's path


def test_a_second_upload_of_a_bad_file_lists_its_item(live_server: str, page: Any, tmp_path: Path) -> None:
    """The officer uploads the same file twice: the second report lists the bad item too, and leads to the
    first report, which keeps it."""
    bad = tmp_path / "amounts.json"
    bad.write_text('{"ocid": "ocds-zz-e2e", "id": "1", "date": "2024-01-01T00:00:00Z", '
                   '"tender": {"value": {"amount": "N/A"}}}', encoding="utf-8")
    for _ in range(2):
        page.goto(f"{live_server}/imports?lang=ko")
        page.set_input_files("input[type=file]", str(bad))
        page.get_by_role("button", name="가져오기", exact=True).click()
        expect(page.locator("#import-report")).to_contain_text("amounts.json", timeout=60_000)
    page.goto(f"{live_server}/imports?lang=ko")
    rows = page.locator("#recent-imports tbody tr", has_text="amounts.json")
    expect(rows).to_have_count(2)
    rows.first.get_by_role("link", name="amounts.json").click()  # the newest: the second upload
    item = page.locator("details", has_text="ocds-zz-e2e")
    expect(item).to_have_count(1)
    item.locator("summary").click()
    expect(item).to_contain_text("이 파일의 앞선 가져오기에서부터 격리되어 있습니다")
    item.get_by_role("link").click()
    expect(page.locator("details", has_text="ocds-zz-e2e")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("앞선 가져오기에서부터")


def test_the_page_follows_the_running_imports_while_it_uploads(live_server: str, page: Any, tmp_path: Path) -> None:
    """While the officer's upload runs, the page asks for the imports running now every two seconds, and stops
    asking once the report is in."""
    one = tmp_path / "slow.json"
    one.write_text('{"ocid": "ocds-zz-slow", "id": "1", "date": "2024-01-01T00:00:00Z", '
                   '"tender": {"title": "Smart street lights"}}', encoding="utf-8")
    polls: list[float] = []
    page.on("request", lambda r: polls.append(time.monotonic()) if "/imports/running" in r.url else None)
    page.goto(f"{live_server}/imports?lang=en")

    def slow_upload(route: Any) -> None:  # a large file's upload, as far as the page can tell
        if route.request.method == "POST":
            time.sleep(5)
        route.continue_()

    page.route("**/imports", slow_upload)
    page.set_input_files("input[type=file]", str(one))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-report")).to_contain_text("slow.json", timeout=60_000)
    assert polls, "the page asked for the running imports while the upload ran"
    asked = len(polls)
    page.wait_for_timeout(4_500)
    assert len(polls) == asked, "and stopped asking once the report came"
