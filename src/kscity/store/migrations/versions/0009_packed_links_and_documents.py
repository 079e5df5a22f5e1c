"""Linked notices and opportunities' documents kept zstd-compressed, as the releases are (0007)

notice_link.notice holds each linked notice's compiled form (for a lone release the same JSON as the release's own
notice) and opportunity.documents the document lists: as plain JSON text they were 40 % of what an ingest wrote
(20,000 releases: 57 MB and 40 MB of a 236 MB database), and they are read back a row at a time.

Each column is replaced by a new one filled from it, then renamed, rather than altered in place: on SQLite an
altered column means a rebuilt table, and dropping the old notice_link or opportunity table would cascade-delete
the rows that refer to it (link keys, notice links) while foreign keys are on. SQLite needs 3.35 (DROP COLUMN).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 06:00:00
"""
from collections.abc import Sequence
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | Sequence[str] | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 1000
COLUMNS = (("notice_link", "ocid", "notice"), ("opportunity", "id", "documents"))


def _refill(table: str, key: str, column: str, to_packed: bool) -> None:
    """Fill `column`_new from `column` for every row, compressed or back to JSON text, a chunk at a time."""
    from kscity.store.packed import pack, unpack

    bind = op.get_bind()
    last: object = None
    while True:
        after = "" if last is None else f"WHERE {key} > :last "
        rows = bind.execute(sa.text(f"SELECT {key}, {column} FROM {table} {after}ORDER BY {key} LIMIT :n"),
                            {"last": last, "n": CHUNK}).all()
        if not rows:
            return
        params = []
        for k, value in rows:
            if isinstance(value, (dict, list)):  # psycopg decodes json columns
                raw = orjson.dumps(value)
            else:
                raw = value.encode() if isinstance(value, str) else bytes(value)
            params.append({"k": k, "v": pack(unpack(raw)) if to_packed else unpack(raw).decode()})
        bind.execute(sa.text(f"UPDATE {table} SET {column}_new = :v WHERE {key} = :k"), params)
        last = rows[-1][0]


def _replace(table: str, key: str, column: str, to_packed: bool) -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    kind: sa.types.TypeEngine[Any] = sa.LargeBinary() if to_packed else sa.JSON()
    # SQLite cannot make a column NOT NULL after adding it: it gets an empty default, overwritten by the fill
    empty = sa.text("x''" if to_packed else "'null'")
    op.add_column(table, sa.Column(f"{column}_new", kind, nullable=not sqlite,
                                   server_default=empty if sqlite else None))
    if op.get_bind().dialect.name == 'postgresql' and to_packed:  # compressed already: TOAST should not try again
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column}_new SET STORAGE EXTERNAL")
    _refill(table, key, column, to_packed)
    if not sqlite:
        op.alter_column(table, f"{column}_new", nullable=False, existing_type=kind)
    op.drop_column(table, column)
    op.alter_column(table, f"{column}_new", new_column_name=column, existing_type=kind)


def upgrade() -> None:
    for table, key, column in COLUMNS:
        _replace(table, key, column, to_packed=True)


def downgrade() -> None:
    for table, key, column in COLUMNS:
        _replace(table, key, column, to_packed=False)
