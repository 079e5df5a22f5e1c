"""Ingest service on real shared data, on each backend: reports, quarantine, re-runs, linkage, pipeline."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from kscity.app import App
from kscity.services import opportunities
from kscity.services.countries import country_profile
from kscity.services.imports import import_detail
from kscity.services.ingest import ingest_paths
from kscity.services.opportunities import opportunity_detail, search_opportunities
from kscity.store.tables.pipeline import NoticeLinkRow, OpportunityRow, QuarantineRow, ReleaseRow


def count(app: App, table: type) -> int:
    with app.read() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def totals(report: dict, key: str) -> int:  # type: ignore[type-arg]
    return sum(f[key] for f in report["files"])


def test_uk_sample_lands_once_and_conflicting_ids_are_quarantined(loaded_app: App, shared_data: Path) -> None:
    first = ingest_paths(loaded_app, [shared_data / "ocds/uk-contracts-finder"])
    assert totals(first, "ingested") > 0
    conflicts = [f for f in first["files"] if f["quarantined"]]
    assert conflicts, "the UK sample repeats ocid+id with different content"
    rel, quar, opp = count(loaded_app, ReleaseRow), count(loaded_app, QuarantineRow), count(loaded_app, OpportunityRow)
    second = ingest_paths(loaded_app, [shared_data / "ocds/uk-contracts-finder"])
    assert totals(second, "ingested") == 0
    assert totals(second, "duplicates") == totals(first, "ingested") + totals(first, "duplicates")
    assert (count(loaded_app, ReleaseRow), count(loaded_app, QuarantineRow), count(loaded_app, OpportunityRow)) == (
        rel, quar, opp)
    with loaded_app.read() as s:
        detail = import_detail(session=s, import_id=conflicts[0]["import_id"])
    reason = detail["quarantine"][0]["reasons"][0]["message"]
    assert "already stored with different content" in reason and detail["quarantine"][0]["payload"]


def test_paraguay_broken_files_are_reported_not_fatal(loaded_app: App, shared_data: Path) -> None:
    rep = ingest_paths(loaded_app, [shared_data / "ocds/paraguay"])
    bad = [f for f in rep["files"] if f["errors"] or f["quarantined"]]
    assert bad and totals(rep, "ingested") > 0
    assert all(e["message"] for f in bad for e in f["errors"])


def test_ted_twins_become_one_opportunity_with_both_sources(loaded_app: App, shared_data: Path) -> None:
    rep = ingest_paths(loaded_app, [shared_data / "ted/ted-xml", shared_data / "ted/eforms-xml"])
    assert totals(rep, "ingested") == 98 and totals(rep, "quarantined") == 0
    assert count(loaded_app, ReleaseRow) == 98 and count(loaded_app, OpportunityRow) == 52
    with loaded_app.read() as s:
        d = opportunity_detail(session=s, ocid="ted-150049-2018")
    assert {x["source"] for x in d["linked"]} == {"ted", "ted-eforms"}


def test_opportunities_are_classified_and_searchable_and_feed_the_country_page(loaded_app: App,
                                                                              shared_data: Path) -> None:
    ingest_paths(loaded_app, [shared_data / "ocds/ukraine"])
    with loaded_app.read() as s:
        res = search_opportunities(session=s, country="UKR", per_page=1000)
        profile = country_profile(session=s, query="UKR")
        first_word = res["items"][0]["title"].split()[0]
        found = search_opportunities(session=s, q=first_word)
    assert res["total"] > 0 and all(o["service"] for o in res["items"])
    assert profile["pipeline"]["opportunities"] == res["total"]
    assert found["total"] >= 1


def test_a_publishers_own_ids_never_link_even_without_a_registered_prefix(loaded_app: App, tmp_path: Path) -> None:
    """Mexico's GACM publishes ocids such as "10" and "100": two such lots that look alike stay two
    opportunities, while the same project under a registered prefix links to one of them."""
    import json

    def release(ocid: str) -> dict:  # type: ignore[type-arg]
        return {"ocid": ocid, "id": f"{ocid}-1", "date": "2024-03-01T00:00:00Z", "tag": ["tender"],
                "buyer": {"name": "Grupo Aeroportuario de la Ciudad de Mexico"},
                "tender": {"id": "t", "title": "Suministro de luminarias LED para el edificio terminal",
                           "value": {"amount": 1250000, "currency": "MXN"},
                           "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "34928500"}}]},
                "parties": [{"id": "b", "name": "Grupo Aeroportuario de la Ciudad de Mexico", "roles": ["buyer"],
                             "address": {"countryName": "Mexico"}}]}

    for name, ocids in (("gacm.json", ["900", "901"]), ("other.json", ["ocds-zz99zz-77"])):
        (tmp_path / name).write_text(json.dumps({"uri": "x", "publishedDate": "2024-03-02T00:00:00Z",
                                                 "version": "1.1", "releases": [release(o) for o in ocids]}))
        ingest_paths(loaded_app, [tmp_path / name])
    with loaded_app.read() as s:
        links = {o: opportunity_detail(session=s, ocid=o)["ocid"] for o in ("900", "901", "ocds-zz99zz-77")}
    assert links["900"] != links["901"]
    assert links["ocds-zz99zz-77"] in {links["900"], links["901"]}


def test_deadline_order_puts_open_tenders_first_soonest_first_then_the_latest_closed(loaded_app: App,
                                                                                   shared_data: Path) -> None:
    ingest_paths(loaded_app, [shared_data / "ocds/ukraine", shared_data / "ocds/portugal"])
    with loaded_app.read() as s:
        every = search_opportunities(session=s, per_page=1000, sort="title")["items"]
        deadlines = sorted({o["deadline"] for o in every if o["deadline"]})
        assert len(deadlines) >= 4
        now = datetime.fromisoformat(deadlines[len(deadlines) // 2])  # half the tenders are still open then
        ranked = search_opportunities(session=s, per_page=1000, sort="deadline", now=now)["items"]
    assert len(ranked) == len(every)
    got = [o["deadline"] for o in ranked]
    open_ = [d for d in got if d and datetime.fromisoformat(d) >= now]
    closed = [d for d in got if d and datetime.fromisoformat(d) < now]
    assert open_ and closed
    assert got == open_ + closed + [None] * (len(got) - len(open_) - len(closed))
    assert open_ == sorted(open_) and closed == sorted(closed, reverse=True)


def test_an_opportunitys_timeline_tells_what_its_releases_say(loaded_app: App, shared_data: Path) -> None:
    files = sorted((shared_data / "ocds/paraguay/sample/releases").glob("*275348*.json"))  # one ocid's releases
    ingest_paths(loaded_app, files)
    releases = [orjson.loads(f.read_bytes()) for f in files]  # single releases
    with loaded_app.read() as s:
        d = opportunity_detail(session=s, ocid=releases[0]["ocid"])
    events = d["timeline"]
    assert d["timeline_complete"] and [e["date"] for e in events] == sorted(e["date"] for e in events)
    shown = {(e["date"], e["kind"], e["detail"]["en"]) for e in events}
    assert len(shown) == len(events)
    awards = {(a["date"][:10], ", ".join(x["name"] for x in a.get("suppliers", [])))
              for r in releases for a in r.get("awards", []) if a.get("status") not in ("cancelled", "unsuccessful")}
    tenders = {r["tender"]["tenderPeriod"]["startDate"][:10] for r in releases
               if (r.get("tender") or {}).get("tenderPeriod", {}).get("startDate")}
    assert awards and {(day, "award", names) for day, names in awards} <= shown
    assert tenders and {(day, "tender_opens", "") for day in tenders} <= shown
    published = [e for e in events if e["kind"] == "published"]
    assert {e["date"] for e in published} == {r["date"][:10] for r in releases}
    assert {e["label"]["ko"] for e in published} == {"공고 게시"}
    assert {e["detail"]["ko"] for e in published} <= {"기획", "입찰", "낙찰", "계약", "이행"}
    assert {e["source"].split(":", 1)[0] for e in events} == {"ocds"}


def test_a_ted_notice_and_its_eforms_twin_share_one_timeline(loaded_app: App, shared_data: Path) -> None:
    ingest_paths(loaded_app, [shared_data / "ted/ted-xml", shared_data / "ted/eforms-xml"])
    with loaded_app.read() as s:
        d = opportunity_detail(session=s, ocid="ted-067028-2021")
    kinds = [(e["kind"], e["source"]) for e in d["timeline"]]
    assert ("published", "ted:067028-2021") in kinds and ("published", "ted-eforms:067028-2021") in kinds
    assert [e["date"] for e in d["timeline"] if e["kind"] == "tender_deadline"] == [d["deadline"][:10]]


def test_times_with_offsets_are_kept_in_utc_on_every_backend(loaded_app: App, tmp_path: Path) -> None:
    f = tmp_path / "offsets.json"
    f.write_bytes(orjson.dumps({"ocid": "ocds-zz-tz", "id": "1", "date": "2024-01-02T08:00:00+09:00",
                                "tender": {"title": "CCTV", "tenderPeriod": {"endDate": "2024-02-01T17:30:00-03:00"}}}))
    ingest_paths(loaded_app, [f])
    with loaded_app.read() as s:
        d = opportunity_detail(session=s, ocid="ocds-zz-tz")
    assert (d["published"], d["deadline"]) == ("2024-01-01T23:00:00", "2024-02-01T20:30:00")
    assert [(e["date"], e["kind"]) for e in d["timeline"]] == [("2024-01-02", "published"),  # the publisher's day
                                                             ("2024-02-01", "tender_deadline")]


def test_a_timeline_of_many_notices_says_it_read_only_the_first(loaded_app: App, shared_data: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted((shared_data / "ocds/paraguay/sample/releases").glob("*275348*.json"))
    ingest_paths(loaded_app, files)
    with loaded_app.read() as s:
        whole = opportunity_detail(session=s, ocid="ocds-03ad3f-275348")
        monkeypatch.setattr(opportunities, "TIMELINE_NOTICES", 2)
        first_two = opportunity_detail(session=s, ocid="ocds-03ad3f-275348")
    assert whole["timeline_complete"] and not first_two["timeline_complete"]
    assert 0 < len({e["source"] for e in first_two["timeline"]}) <= 2 < len({e["source"] for e in whole["timeline"]})


def test_each_link_points_to_its_own_opportunity(loaded_app: App, shared_data: Path) -> None:
    """New opportunities get their ids before they are inserted (no query reads them back): each notice's link
    must still point to the opportunity made for it, over several batches and files, and the ids go on from those
    already stored."""
    ingest_paths(loaded_app, [shared_data / "ocds/portugal"])
    ingest_paths(loaded_app, [shared_data / "ocds/ukraine", shared_data / "ted/ted-xml",
                              shared_data / "ted/eforms-xml"])
    with loaded_app.read() as s:
        pairs = s.execute(select(NoticeLinkRow.ocid, OpportunityRow.ocid, OpportunityRow.id)
                          .join(OpportunityRow, NoticeLinkRow.opportunity_id == OpportunityRow.id)).all()
        links, opportunities = count(loaded_app, NoticeLinkRow), count(loaded_app, OpportunityRow)
    by_opportunity: dict[int, set[str]] = {}
    for link, _, opp_id in pairs:
        by_opportunity.setdefault(opp_id, set()).add(link)
    assert len(pairs) == links >= opportunities > 100  # every link resolves
    assert all(own in by_opportunity[i] for _, own, i in pairs), "an opportunity's own notice is among its links"
    assert sum(len(ls) == 1 for ls in by_opportunity.values()) > 100
    assert all(next(iter(ls)) == own for _, own, i in pairs if len(ls := by_opportunity[i]) == 1)
