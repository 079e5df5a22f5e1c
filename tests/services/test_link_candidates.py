"""Asking the store for link candidates of a whole batch at once gives what asking notice by notice gives."""

from __future__ import annotations

from pathlib import Path

import orjson
from sqlalchemy import insert, select

from kscity.app import App
from kscity.services.ingest import ingest_file
from kscity.services.opportunity_build import MAX_CANDIDATES, _candidates, _candidates_many, _candidates_on
from kscity.store.tables.pipeline import LinkKeyRow


def _fill(kapp: App, shared_data: Path, tmp_path: Path) -> None:
    """Real notices of several publishers, and 300 copies of Portugal's under new ocids: keys with more than
    MAX_CANDIDATES notices behind them."""
    pkg = orjson.loads((shared_data / "ocds/portugal/impic-release-package.json").read_bytes())
    pkg = pkg[0] if isinstance(pkg, list) else pkg
    copies = [dict(r, ocid=f"{r['ocid']}-k{i}") for i in range(4) for r in pkg["releases"]][:300]
    big = tmp_path / "copies.json"
    big.write_bytes(orjson.dumps(dict(pkg, releases=copies)))
    paths = [big, *sorted((shared_data / "ocds/uk-contracts-finder/sample/releases").glob("*.json")),
             *sorted((shared_data / "ted/ted-xml").glob("*.xml")),
             *sorted((shared_data / "ted/eforms-xml").glob("*.xml"))]
    for path in paths:
        ingest_file(kapp, path, worker=False)


def test_candidates_of_a_batch_are_those_of_each_notice(kapp: App, shared_data: Path, tmp_path: Path) -> None:
    _fill(kapp, shared_data, tmp_path)
    with kapp.transaction() as session:
        rows = session.execute(select(LinkKeyRow.ocid, LinkKeyRow.key, LinkKeyRow.publisher)).all()
        keys_of: dict[str, set[str]] = {}
        publisher = {}
        for ocid, key, pub in rows:
            keys_of.setdefault(ocid, set()).add(key)
            publisher[ocid] = pub
        # each stored notice's keys, asked for as its own publisher, one sorted before all and one after all
        asks = [(sorted(keys_of[o]), pub) for o in sorted(keys_of)[:150] for pub in (publisher[o], "a-", "zz-")]
        # the keys of two publishers' notices, asked for by a publisher sorted between them: both ranges answer
        by_pub: dict[str, list[str]] = {}
        for o in sorted(keys_of):
            by_pub.setdefault(publisher[o], []).append(o)
        first, second = sorted(by_pub)[:2]
        pairs = zip(by_pub[first][:40], by_pub[second][:40], strict=False)
        asks += [(sorted(keys_of[a] | keys_of[b]), first + "~") for a, b in pairs]
        asks.append(([], "a-"))
        # a key may hold any character (an ocid's): quotes, commas, braces and control characters are keys too
        some, odd = sorted(keys_of)[0], 'id:a"b,c{d}\x1fe\\'
        session.execute(insert(LinkKeyRow).values(key=odd, publisher=publisher[some], ocid=some))
        rows.append((some, odd, publisher[some]))
        asks.append(([odd], "zz-"))
        many = _candidates_many(session, asks)
        sqlite = session.get_bind().dialect.name == "sqlite"
        raw = session.connection().connection.dbapi_connection
        assert len(many) == len(asks)
        over_limit = both = 0
        for (keys, pub), got in zip(asks, many, strict=True):
            if not keys:
                assert got == []
                continue
            alone = _candidates(session, keys, pub)
            if sqlite:  # without DISTINCT (_candidates_sqlite): the very ocids, in the very order, DISTINCT gives
                assert got == alone == _candidates_on(raw, "?", keys, pub)
            behind = {o for o, k, p in rows if k in keys and p != pub}  # every other publisher's notice there
            lower = [o for o in got if publisher[o] < pub]
            assert got[:len(lower)] == lower, "the lower range comes first"
            both += bool(lower) and len(lower) < len(got)
            assert len(set(got)) == len(got) and set(got) <= behind
            if len(behind) <= MAX_CANDIDATES:
                assert set(got) == set(alone) == behind
            else:  # which of them make the cut is the database's choice, as notice by notice
                over_limit += 1
                assert len(got) == len(alone) == MAX_CANDIDATES
        assert over_limit, "some asks had more candidates than the limit"
        assert both, "some asks had candidates in both ranges"
        assert many[-1] == [some], "a key with odd characters is found as it is"


def test_the_store_files_each_notice_under_its_linking_keys_only(kapp: App, shared_data: Path, tmp_path: Path) -> None:
    """No key row for a notice's own id: only notices of the same ocid share it, and the store has one link per ocid
    (TED twins still link: tests/services/test_ingest.py)."""
    _fill(kapp, shared_data, tmp_path)
    with kapp.read() as session:
        keys = session.scalars(select(LinkKeyRow.key)).all()
    assert keys, "the notices were filed under some keys"
    assert not [k for k in keys if k.startswith("id:")]
