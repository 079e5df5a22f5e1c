"""Consortium service: teams for stored opportunities from the sample catalogue, drafts, XLSX/PDF export."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kscity.app import App
from kscity.errors import InvalidInput, NotFound
from kscity.services import consortium as svc
from tests.services.test_matching import load_matching_data


@pytest.fixture
def mapp(loaded_app: App, shared_data: Path) -> App:
    """A loaded app with notices and firms."""
    load_matching_data(loaded_app, shared_data)
    return loaded_app


def test_teams_have_one_lead_an_sme_cover_every_need_and_come_best_first(mapp: App) -> None:
    rules = svc.TeamRules(k=3, needs=("safety:intelligent_cctv", "energy"))
    with mapp.read() as s:
        res = svc.propose_consortia(session=s, ocid="256", rules=rules)
    assert not res["infeasible"] and 1 <= len(res["consortia"]) <= 3
    scores = [c["score"] for c in res["consortia"]]
    assert scores == sorted(scores, reverse=True)
    for c in res["consortia"]:
        leads = [m for m in c["members"] if m["role"] == "lead"]
        assert len(leads) == 1 and leads[0]["size"] in ("large", "public")
        assert any(m["size"] in ("sme", "startup") for m in c["members"])
        assert len(c["members"]) <= rules.max_members
        covered = {cap for m in c["members"] for cap in m["covers"]}
        assert covered == {"safety:intelligent_cctv", "energy"}
        assert c["status"] in ("optimal", "feasible")
    assert len({frozenset(m["firm_id"] for m in c["members"]) for c in res["consortia"]}) == len(res["consortia"])


def test_needs_default_to_the_classification(mapp: App) -> None:
    with mapp.read() as s:
        res = svc.propose_consortia(session=s, ocid="256", rules=svc.TeamRules(k=1))
    assert res["needs"] and res["needs"][0].startswith("safety")


def test_bad_input_is_refused_with_the_cause(mapp: App) -> None:
    with mapp.read() as s:
        for rules in (svc.TeamRules(needs=("healthcare:no-such-sub",)), svc.TeamRules(needs=("nope",)),
                      svc.TeamRules(k=0), svc.TeamRules(must=("999999",))):
            with pytest.raises(InvalidInput):
                svc.propose_consortia(session=s, ocid="256", rules=rules)
        with pytest.raises(NotFound):
            svc.propose_consortia(session=s, ocid="missing", rules=svc.TeamRules())


def test_an_impossible_team_is_explained(mapp: App) -> None:
    with mapp.read() as s:
        res = svc.propose_consortia(session=s, ocid="256", rules=svc.TeamRules(min_sme=40, max_members=50))
    assert res["infeasible"] and res["reasons"] and all(r["ko"] and r["en"] for r in res["reasons"])


def test_a_draft_is_saved_with_notes_and_exports_to_xlsx_and_pdf(mapp: App) -> None:
    with mapp.transaction() as s:
        res = svc.propose_consortia(session=s, ocid="256", rules=svc.TeamRules(k=2))
        draft_id = svc.save_draft(session=s, proposal=res, rank=1, name="입찰 준비", notes="KOTRA meeting")
        with pytest.raises(InvalidInput):
            svc.save_draft(session=s, proposal=res, rank=9)
    with mapp.read() as s:
        d = svc.get_draft(session=s, draft_id=draft_id)
        assert d["notes"] == "KOTRA meeting" and d["members"] == res["consortia"][0]["members"]
        assert [x["id"] for x in svc.list_drafts(session=s, ocid="256")] == [draft_id]
        xlsx = svc.export_draft(session=s, draft_id=draft_id, fmt="xlsx", lang="ko")
        pdf_en = svc.export_draft(session=s, draft_id=draft_id, fmt="pdf", lang="en")
        with pytest.raises(NotFound):
            svc.get_draft(session=s, draft_id=draft_id + 100)
    cells = [str(c.value) for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows() for c in row if c.value]
    assert "주관사" in cells and all(m["firm_ko"] in cells for m in d["members"])  # the Korean names
    assert pdf_en.startswith(b"%PDF") and len(pdf_en) > 1000
