"""The migrations build the schema the tables declare, and revisions 0007 and 0009 (packed JSON) keep every stored
release, notice link, link key and document list, both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from kscity.app import App
from kscity.services.reference_load import load_reference
from kscity.settings import Settings
from kscity.store.migrate import alembic_config, upgrade
from kscity.store.packed import ZSTD_MAGIC
from kscity.store.tables.base import Base
from kscity.store.tables.pipeline import LinkKeyRow, NoticeLinkRow, OpportunityRow, ReleaseRow


def _differences(kapp: App) -> list[object]:
    with kapp.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(ctx, Base.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]


def test_the_migrated_schema_is_the_declared_one(kapp: App) -> None:
    assert _differences(kapp) == []


def test_0007_and_0009_pack_stored_json_and_keep_every_row(database_url: str) -> None:
    kapp = App(Settings(database_url=database_url, admin_token="t"))
    cfg = alembic_config(kapp.engine)
    command.upgrade(cfg, "0006")
    command.upgrade(cfg, "heads")  # the other areas' heads
    command.downgrade(cfg, "0006")  # this area back to JSON text and the old link_key
    with kapp.transaction() as session:
        load_reference(session=session)
    # rows as 0006 stored them: JSON text, keys in the old table
    with kapp.engine.begin() as conn:
        conn.execute(text("INSERT INTO import_file (id, path, source, format, status, items_seen, ingested, "
                          "quarantined, duplicates, errors, started_at) VALUES (1, 'f', 's', 'ocds', 'done', 2, 2, "
                          "0, 0, '[]', CURRENT_TIMESTAMP)"))
        for i, title in ((1, "Cámaras de videovigilancia"), (2, "Alumbrado público")):
            payload = orjson.dumps({"ocid": f"ocds-x-{i}", "id": "r1", "tender": {"title": title}}).decode()
            conn.execute(text("INSERT INTO release (id, ocid, release_id, content_hash, source, kind, payload, notice, "
                              "file_id, position) VALUES (:i, :o, 'r1', 'h', 's', 'ocds', :p, :n, 1, '')"),
                         {"i": i, "o": f"ocds-x-{i}", "p": payload, "n": orjson.dumps({"title": title}).decode()})
            conn.execute(text("INSERT INTO opportunity (id, ocid, title, description, language, buyer, "
                              "procurement_method, stage, items, documents, service, class_score, class_method, "
                              "evidence, search_text, updated_at) VALUES (:i, :o, :t, '', 'es', '', '', 'tender', "
                              "'[]', :d, 'safety', 1.0, 'codes', '[]', '', CURRENT_TIMESTAMP)"),
                         {"i": i, "o": f"ocds-x-{i}", "t": title,
                          "d": orjson.dumps([{"title": f"Pliego {i}", "url": f"https://x/{i}"}]).decode()})
            conn.execute(text("INSERT INTO notice_link (ocid, opportunity_id, source, url, link_score, link_reasons, "
                              "notice) VALUES (:o, :i, 's', '', 1.0, '[]', :n)"),
                         {"i": i, "o": f"ocds-x-{i}", "n": orjson.dumps({"title": title}).decode()})
            for key in ("t:camaras", "c:MEX"):
                conn.execute(text("INSERT INTO link_key (key, ocid, publisher) VALUES (:k, :o, 'ocds-x-')"),
                             {"k": key, "o": f"ocds-x-{i}"})
    upgrade(kapp.engine)
    assert _differences(kapp) == []
    with kapp.read() as session:
        raw = session.execute(text("SELECT payload FROM release ORDER BY id")).scalars().all()
        assert all(bytes(r)[:4] == ZSTD_MAGIC for r in raw)
        rows = session.execute(select(ReleaseRow.payload, ReleaseRow.notice).order_by(ReleaseRow.id)).all()
        assert [r.payload["tender"]["title"] for r in rows] == ["Cámaras de videovigilancia", "Alumbrado público"]
        assert [r.notice["title"] for r in rows] == ["Cámaras de videovigilancia", "Alumbrado público"]
        keys = session.execute(select(LinkKeyRow.key, LinkKeyRow.publisher, LinkKeyRow.ocid)).all()
        assert sorted(keys) == sorted((k, "ocds-x-", f"ocds-x-{i}") for i in (1, 2) for k in ("t:camaras", "c:MEX"))
        for column in ("notice_link.notice", "opportunity.documents"):
            table, name = column.split(".")
            raw = session.execute(text(f"SELECT {name} FROM {table}")).scalars().all()
            assert len(raw) == 2 and all(bytes(r)[:4] == ZSTD_MAGIC for r in raw)
        links = session.execute(select(NoticeLinkRow.ocid, NoticeLinkRow.notice).order_by(NoticeLinkRow.ocid)).all()
        assert [(o, n["title"]) for o, n in links] == [("ocds-x-1", "Cámaras de videovigilancia"),
                                                       ("ocds-x-2", "Alumbrado público")]
        docs = session.execute(select(OpportunityRow.documents).order_by(OpportunityRow.id)).scalars().all()
        assert docs == [[{"title": "Pliego 1", "url": "https://x/1"}], [{"title": "Pliego 2", "url": "https://x/2"}]]
    command.downgrade(cfg, "0006")  # and back: JSON text again, every row kept
    with kapp.engine.connect() as conn:
        def decoded(sql: str) -> list[Any]:
            return [v if isinstance(v, (dict, list)) else orjson.loads(v)  # psycopg decodes json
                    for v in conn.execute(text(sql)).scalars().all()]

        assert [d["tender"]["title"] for d in decoded("SELECT payload FROM release ORDER BY id")] == [
            "Cámaras de videovigilancia", "Alumbrado público"]
        assert [d["title"] for d in decoded("SELECT notice FROM notice_link ORDER BY ocid")] == [
            "Cámaras de videovigilancia", "Alumbrado público"]
        assert [d[0]["title"] for d in decoded("SELECT documents FROM opportunity ORDER BY id")] == [
            "Pliego 1", "Pliego 2"]
        assert conn.execute(text("SELECT count(*) FROM link_key")).scalar_one() == 4
    kapp.dispose()


def test_link_key_is_one_b_tree_on_sqlite(tmp_path: Path) -> None:
    kapp = App(Settings(database_url=f"sqlite:///{tmp_path / 'k.db'}", admin_token="t"))
    upgrade(kapp.engine)
    with kapp.engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'link_key'")).scalar_one()
        indexes = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index' "
                                    "AND tbl_name = 'link_key'")).scalars().all()
    assert "WITHOUT ROWID" in sql and indexes == []
    kapp.dispose()


def test_0012_drops_only_the_own_id_keys(database_url: str) -> None:
    kapp = App(Settings(database_url=database_url, admin_token="t"))
    cfg = alembic_config(kapp.engine)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "0011")
    with kapp.engine.begin() as conn:
        conn.execute(text("INSERT INTO opportunity (id, ocid, title, description, language, buyer, procurement_method, "
                          "stage, items, documents, service, class_score, class_method, evidence, search_text, "
                          "updated_at) VALUES (1, 'ocds-x-1', 't', '', 'es', '', '', 'tender', '[]', :d, 'safety', "
                          "1.0, 'codes', '[]', '', CURRENT_TIMESTAMP)"), {"d": b"[]"})
        conn.execute(text("INSERT INTO notice_link (ocid, opportunity_id, source, url, link_score, link_reasons, "
                          "notice) VALUES ('ocds-x-1', 1, 's', '', 1.0, '[]', :n)"), {"n": b"{}"})
        for key in ("id:ocds-x-1", "MEX|b:id", "MEX|cpv:45", "ic:x", "id;x", "id"):
            conn.execute(text("INSERT INTO link_key (key, ocid, publisher) VALUES (:k, 'ocds-x-1', 'ocds-x-')"),
                         {"k": key})
    upgrade(kapp.engine)
    with kapp.read() as session:
        keys = session.scalars(select(LinkKeyRow.key)).all()
    kapp.dispose()
    assert sorted(keys) == sorted(["MEX|b:id", "MEX|cpv:45", "ic:x", "id;x", "id"])


def test_0013_downgrade_packs_again_without_dictionaries(database_url: str, shared_data: Path,
                                                          tmp_path: Path) -> None:
    from kscity.services.ingest import ingest_file
    from kscity.store.packing import frame_dictionary

    pkg = orjson.loads((shared_data / "ocds/portugal/impic-release-package.json").read_bytes())
    pkg = pkg[0] if isinstance(pkg, list) else pkg
    path = tmp_path / "p.json"
    path.write_bytes(orjson.dumps(dict(pkg, releases=[dict(r, ocid=f"{r['ocid']}-m{i}") for i in range(4)
                                                      for r in pkg["releases"]])))
    kapp = App(Settings(database_url=database_url, admin_token="t"))
    upgrade(kapp.engine)
    assert ingest_file(kapp, path, worker=False).ingested >= 200

    def stored() -> tuple[list[Any], set[int]]:
        with kapp.engine.connect() as conn:
            raw = [bytes(v) for row in conn.execute(text("SELECT payload, notice FROM release")) for v in row]
            raw += [bytes(n) for (n,) in conn.execute(text("SELECT notice FROM notice_link"))]
        with kapp.read() as session:
            values = sorted(orjson.dumps([r.payload, r.notice], option=orjson.OPT_SORT_KEYS)
                            for r in session.scalars(select(ReleaseRow)))
            values += sorted(orjson.dumps(n.notice, option=orjson.OPT_SORT_KEYS)
                             for n in session.scalars(select(NoticeLinkRow)))
        return values, {frame_dictionary(v) for v in raw}

    before, ids = stored()
    assert len(ids - {0}) == 2
    command.downgrade(alembic_config(kapp.engine), "0012")
    after, ids = stored()
    assert ids == {0} and after == before
    with kapp.engine.connect() as conn:
        assert "pack_dictionary" not in conn.dialect.get_table_names(conn)
    upgrade(kapp.engine)
    kapp.dispose()
