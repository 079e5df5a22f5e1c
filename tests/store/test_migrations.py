"""The migrations build the schema the tables declare, and revision 0007 keeps every stored release and link key."""

from __future__ import annotations

from pathlib import Path

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
from kscity.store.tables.pipeline import LinkKeyRow, ReleaseRow


def _differences(kapp: App) -> list[object]:
    with kapp.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(ctx, Base.metadata)
                if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")]


def test_the_migrated_schema_is_the_declared_one(kapp: App) -> None:
    assert _differences(kapp) == []


def test_0007_packs_stored_releases_and_keeps_link_keys(database_url: str) -> None:
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
                              "'[]', '[]', 'safety', 1.0, 'codes', '[]', '', CURRENT_TIMESTAMP)"),
                         {"i": i, "o": f"ocds-x-{i}", "t": title})
            conn.execute(text("INSERT INTO notice_link (ocid, opportunity_id, source, url, link_score, link_reasons, "
                              "notice) VALUES (:o, :i, 's', '', 1.0, '[]', '{}')"), {"i": i, "o": f"ocds-x-{i}"})
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
    command.downgrade(cfg, "0006")  # and back: JSON text again, the keys kept
    with kapp.engine.connect() as conn:
        payloads = conn.execute(text("SELECT payload FROM release ORDER BY id")).scalars().all()
        decoded = [p if isinstance(p, dict) else orjson.loads(p) for p in payloads]  # psycopg decodes json
        assert [d["tender"]["title"] for d in decoded] == [
            "Cámaras de videovigilancia", "Alumbrado público"]
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
