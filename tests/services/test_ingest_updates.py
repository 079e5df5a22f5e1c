"""Updates to known ocids: the new releases are merged onto the compiled release kept for the ocid (ocdsmerge's
way to extend one), and the opportunities are those an ingest of all the releases at once gives."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event, select

from kscity.app import App
from kscity.ingest import release_order
from kscity.services.ingest import ingest_file
from kscity.settings import Settings
from kscity.store.migrate import upgrade
from kscity.store.tables.pipeline import NoticeLinkRow, OpportunityRow
from tests.ingest.test_compile import releases_by_ocid

FOLDERS = ("uk-contracts-finder/sample/releases", "ukraine/sample/releases", "mexico/jalisco/sample/releases",
           "mexico/grupo-aeroportuario/sample/releases", "canada/montreal/sample/releases")


def _histories(shared_data: Path) -> dict[str, list[dict[str, Any]]]:
    """The shared samples' ocids with two releases or more, each ocid's releases in compile order."""
    by_ocid: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for folder in FOLDERS:
        for ocid, releases in releases_by_ocid(shared_data / "ocds" / folder).items():
            for rel in releases:
                if rel.get("id"):
                    by_ocid[ocid].setdefault(rel["id"], rel)
    return {o: sorted(rs.values(), key=release_order) for o, rs in by_ocid.items() if len(rs) >= 2}


def _package(path: Path, releases: list[dict[str, Any]]) -> Path:
    path.write_bytes(orjson.dumps({"uri": "test", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1",
                                   "releases": releases}))
    return path


def _snapshot(kapp: App) -> list[tuple[Any, ...]]:
    with kapp.read() as s:
        links = {n.ocid: n.notice for n in s.scalars(select(NoticeLinkRow))}
        return sorted((o.ocid, o.title, o.description, o.buyer, o.stage, o.value, o.currency, o.tender_deadline,
                       orjson.dumps(o.items), orjson.dumps(o.documents), o.service, o.sub_solution, o.search_text,
                       orjson.dumps(links[o.ocid], option=orjson.OPT_SORT_KEYS))
                      for o in s.scalars(select(OpportunityRow)))


def test_updates_extend_the_kept_compiled_release(kapp: App, shared_data: Path, tmp_path: Path) -> None:
    histories = _histories(shared_data)
    assert len(histories) >= 10 and sum(len(rs) >= 3 for rs in histories.values()) >= 2
    assert max(map(len, histories.values())) >= 5
    read_back: list[str] = []

    # watched at the database, not by patching the build's function: the compiled build (setup.py) calls its own
    # functions directly, past any patch
    @event.listens_for(kapp.engine, "before_cursor_execute")
    def spy(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if "release.payload" in statement:  # the stored releases of some ocids, read back to compile them
            values = parameters.values() if isinstance(parameters, dict) else parameters  # psycopg: by name
            read_back.extend(v for v in values if isinstance(v, str))
    # first release, then the second, then each later one in a file of its own: feeds publish them so
    for step in range(max(map(len, histories.values()))):
        releases = [rs[step] for rs in histories.values() if step < len(rs)]
        read_back.clear()
        report = ingest_file(kapp, _package(tmp_path / f"step{step}.json", releases), worker=False)
        assert report.ingested == len(releases), report.as_dict()
        if step >= 2:  # the second step compiled each ocid from its first release and kept the result
            assert not set(read_back) & {o for o, rs in histories.items() if step < len(rs)}, step
    with kapp.read() as s:
        kept = {n.ocid: n.compiled for n in s.scalars(select(NoticeLinkRow))}
    for ocid, rs in histories.items():
        assert kept[ocid] is not None and tuple(kept[ocid]["through"]) == release_order(rs[-1]), ocid

    at_once = App(Settings(database_url=f"sqlite:///{tmp_path / 'once.db'}"))
    upgrade(at_once.engine)
    ingest_file(at_once, _package(tmp_path / "all.json", [r for rs in histories.values() for r in rs]), worker=False)
    assert _snapshot(kapp) == _snapshot(at_once)


def test_a_release_older_than_the_kept_compiled_one_compiles_from_the_first(kapp: App, shared_data: Path,
                                                                           tmp_path: Path) -> None:
    """A late-published release dated before the last one merged cannot be folded on: the ocid is compiled again
    from all its releases, and the result is what an ingest of all of them at once gives."""
    histories = _histories(shared_data)
    ocid, rs = max(histories.items(), key=lambda item: len(item[1]))
    ingest_file(kapp, _package(tmp_path / "late.json", rs[:1] + rs[2:]), worker=False)
    ingest_file(kapp, _package(tmp_path / "early.json", rs[1:2]), worker=False)  # dated before rs[2:]
    at_once = App(Settings(database_url=f"sqlite:///{tmp_path / 'once.db'}"))
    upgrade(at_once.engine)
    ingest_file(at_once, _package(tmp_path / "all.json", rs), worker=False)
    assert _snapshot(kapp) == _snapshot(at_once)
    with kapp.read() as s:
        kept = s.scalars(select(NoticeLinkRow.compiled).where(NoticeLinkRow.ocid == ocid)).one()
    assert kept is not None and tuple(kept["through"]) == release_order(rs[-1])
