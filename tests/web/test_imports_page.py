"""The imports page a page at a time, and an interrupted import's page, in Korean and English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from kscity.app import App
from kscity.services.import_runner import this_runner
from kscity.services.imports import PER_PAGE
from kscity.store.tables.pipeline import ImportFileRow


def _rows(kapp: App, count: int, **values: object) -> list[int]:
    now = datetime.now(UTC).replace(tzinfo=None)
    with kapp.transaction() as s:
        rows = [ImportFileRow(path=f"/data/file-{i:03}.json", source="auto", started_at=now, **{"status": "done",
                              **values}) for i in range(count)]
        s.add_all(rows)
        s.flush()
        return [r.id for r in rows]


def test_the_list_pages_past_the_newest_files(client: TestClient, loaded_app: App) -> None:
    ids = _rows(loaded_app, PER_PAGE + 2)
    first = client.get("/imports", params={"lang": "en"}).text
    assert f"Files 1–{PER_PAGE} of {PER_PAGE + 2:,}" in first and 'href="/imports?page=2"' in first
    assert f'href="/imports/{ids[-1]}"' in first and f'href="/imports/{ids[0]}"' not in first
    second = client.get("/imports", params={"lang": "ko", "page": 2}).text
    assert f"전체 {PER_PAGE + 2:,}개 중 {PER_PAGE + 1}–{PER_PAGE + 2}번째 파일" in second
    assert f'href="/imports/{ids[0]}"' in second and f'href="/imports/{ids[-1]}"' not in second
    past = client.get("/imports", params={"lang": "en", "page": 9}).text  # past the end: the last page
    assert f'href="/imports/{ids[0]}"' in past


def test_an_interrupted_import_says_how_to_complete_it(client: TestClient, loaded_app: App) -> None:
    stale = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=3)
    [killed] = _rows(loaded_app, 1, status="running", runner="elsewhere|boot|7|7", progress_at=stale,
                     ingested=12345)
    [later] = _rows(loaded_app, 1)
    ko = client.get(f"/imports/{killed}", params={"lang": "ko"}).text
    assert "<dd>중단됨</dd>" in ko and "같은 파일을 다시 가져오면" in ko and "<dd>12,345</dd>" in ko
    listing = client.get("/imports", params={"lang": "en", "problems": "true"}).text
    assert f'href="/imports/{killed}"' in listing and f'href="/imports/{later}"' not in listing
    with loaded_app.transaction() as s:
        row = s.get(ImportFileRow, killed)
        assert row is not None
        row.status, row.resumed_by = "resumed", later
    en = client.get(f"/imports/{killed}", params={"lang": "en"}).text
    assert "<dd>Interrupted, then completed</dd>" in en and f'href="/imports/{later}"' in en


def test_the_page_shows_the_imports_running_now_with_their_counts(client: TestClient, loaded_app: App) -> None:
    assert "data-running" not in client.get("/imports/running", params={"lang": "en"}).text  # none running
    now = datetime.now(UTC).replace(tzinfo=None)
    [live] = _rows(loaded_app, 1, status="running", runner=this_runner(), progress_at=now, items_seen=12_500,
                   ingested=12_000, quarantined=3, duplicates=497)
    _rows(loaded_app, 1, status="running", runner="elsewhere|boot|7|7", progress_at=now - timedelta(hours=3))
    ko = client.get("/imports/running", params={"lang": "ko"}).text
    assert f'data-running="{live}"' in ko and ko.count("data-running") == 1  # not the interrupted one
    assert "지금까지 12,500건 읽음: 적재 12,000건, 격리 3건, 중복 497건" in ko
    page = client.get("/imports", params={"lang": "en"}).text  # shown on load, and polled while uploading
    assert f'data-running="{live}"' in page and 'hx-get="/imports/running"' in page
    assert "12,500 items read so far" in page
