"""/api/tasks and the /tasks page: filters, admin-only updates (403/422 problem+json), Korean and English."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from kscity.reference.files import load_strategies, load_tasks

PLAN = {t.number: t for t in load_tasks()}
STRATEGIES = load_strategies()
ADMIN = {"X-Admin-Token": "test-token"}  # the token the kapp fixture sets
PROBLEM = "application/problem+json"


def test_api_list_show_patch(client: TestClient) -> None:
    r = client.get("/api/tasks", params={"as_of": "2020-03-01"})
    assert r.status_code == 200 and r.headers["X-Total-Count"] == str(len(PLAN))
    assert [t["number"] for t in r.json()] == sorted(PLAN)
    r = client.get("/api/tasks", params={"strategy": 3, "owner": "LH"})
    expected = [n for n, t in sorted(PLAN.items()) if t.strategy == 3 and "LH" in t.owners]
    assert expected and [t["number"] for t in r.json()] == expected
    late = client.get("/api/tasks", params={"overdue": "true", "as_of": "2020-03-01"}).json()
    assert {t["number"] for t in late} == {n for n, t in PLAN.items() if t.due == "2019H2"}

    one = client.get("/api/tasks/7").json()
    assert one["title"]["ko"] == PLAN[7].title_ko and one["owners"][0]["code"] == PLAN[7].owners[0]

    r = client.patch("/api/tasks/7", json={"status": "in_progress", "note": "H2 2019 공고"}, headers=ADMIN)
    assert r.status_code == 200 and r.json()["status"] == "in_progress" and r.json()["updated_at"]
    assert client.get("/api/tasks/7").json()["note"] == "H2 2019 공고"
    summary = client.get("/api/tasks/summary", params={"as_of": "2020-03-01"}).json()
    assert summary["totals"]["in_progress"] == 1
    assert [s["id"] for s in summary["strategies"]] == [s.id for s in STRATEGIES]


def test_api_refusals_are_problem_json(client: TestClient) -> None:
    r = client.patch("/api/tasks/7", json={"status": "done"})
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    r = client.patch("/api/tasks/7", json={"status": "done"}, headers={"X-Admin-Token": "wrong"})
    assert r.status_code == 403
    r = client.patch("/api/tasks/7", json={"status": "finished"}, headers=ADMIN)
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert "status" in body["detail"] and "in_progress" in body["detail"]
    assert body["details"][0]["field"] == "status"
    r = client.patch("/api/tasks/7", json={"status": "finished"}, headers={**ADMIN, "Accept-Language": "ko"})
    assert "상태" in r.json()["detail"]
    assert client.patch("/api/tasks/99", json={"status": "done"}, headers=ADMIN).status_code == 404
    assert client.get("/api/tasks/99").status_code == 404
    assert client.get("/api/tasks", params={"status": "finished"}).status_code == 422
    assert client.get("/api/tasks/7").json()["status"] == "planned"  # nothing changed


def _rows(html: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(0) for m in re.finditer(r'<tr id="task-(\d+)"[^>]*>', html)}


def test_page_in_korean_and_english(client: TestClient) -> None:
    ko = client.get("/tasks", params={"lang": "ko", "as_of": "2020-03-01"})
    assert ko.status_code == 200 and '<html lang="ko">' in ko.text
    rows = _rows(ko.text)
    assert sorted(rows) == sorted(PLAN)
    assert {n for n, row in rows.items() if "is-overdue" in row} == {n for n, t in PLAN.items() if t.due == "2019H2"}
    assert all(s.ko in ko.text for s in STRATEGIES) and PLAN[1].title_ko in ko.text
    assert "기획재정부" in ko.text and "전략별 추진 현황" in ko.text and "기한 경과" in ko.text
    assert 'data-ks-chart="task-chart-options"' in ko.text and "echarts.min.js" in ko.text
    assert 'action="/tasks/1"' not in ko.text  # no update forms without the admin token

    en = client.get("/tasks", params={"lang": "en", "as_of": "2020-03-01"})
    assert '<html lang="en">' in en.text and "Progress by strategy" in en.text
    assert all(s.en in en.text for s in STRATEGIES) and "Ministry of Economy and Finance" in en.text
    assert "전략별 추진 현황" not in en.text

    narrowed = client.get("/tasks", params={"lang": "en", "strategy": "4", "status": "planned"},
                          headers={"HX-Request": "true"})
    assert "<html" not in narrowed.text  # htmx gets only the task tables
    assert sorted(_rows(narrowed.text)) == [n for n, t in sorted(PLAN.items()) if t.strategy == 4]


def test_page_update_needs_the_admin_cookie(client: TestClient) -> None:
    html = {"Accept": "text/html"}
    r = client.post("/tasks/5", data={"status": "done", "note": "시행령 개정"}, headers=html)
    assert r.status_code == 403 and "<html" in r.text
    client.cookies.set("kscity_admin", "test-token")
    page = client.get("/tasks", params={"lang": "en"})
    assert 'action="/tasks/5"' in page.text
    r = client.post("/tasks/5", data={"status": "done", "note": "시행령 개정", "back": "strategy=1"},
                    headers=html, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tasks?strategy=1#task-5"
    assert client.get("/api/tasks/5").json()["status"] == "done"
    r = client.post("/tasks/5", data={"status": "finished"}, headers=html)
    assert r.status_code == 422 and "status must be one of" in r.text
    r = client.post("/tasks/5", data={"status": "done", "back": "//evil.example"}, headers=html,
                    follow_redirects=False)
    assert r.headers["location"] == "/tasks#task-5"
