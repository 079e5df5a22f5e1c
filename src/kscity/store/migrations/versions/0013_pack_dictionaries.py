"""zstd dictionaries that packed values name (store.packing): an ingest trains one per kind, releases and notices,
on its file's first items, and packs the rest with them (116,145 releases: a database of 838 -> 516 MB).

A downgrade unpacks every value packed with a dictionary and packs it again without one, then drops the table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 17:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | Sequence[str] | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 1000
# the packed columns an ingest may pack with a dictionary, by table and key column
PACKED = (("release", "id", ("payload", "notice")), ("notice_link", "ocid", ("notice",)))


def upgrade() -> None:
    op.create_table('pack_dictionary',
                    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
                    sa.Column('content', sa.LargeBinary(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name='pk_pack_dictionary'))


def downgrade() -> None:
    from kscity.store.packing import ZSTD_MAGIC, frame_dictionary, pack, remember, unpack

    bind = op.get_bind()
    for (content,) in bind.execute(sa.text("SELECT content FROM pack_dictionary")):
        remember(bytes(content))
    for table, key, columns in PACKED:
        last: object = None
        while True:
            after = "" if last is None else f"WHERE {key} > :last "
            rows = bind.execute(sa.text(f"SELECT {key}, {', '.join(columns)} FROM {table} {after}ORDER BY {key} "
                                        "LIMIT :n"), {"last": last, "n": CHUNK}).all()
            if not rows:
                break
            params = []
            for row in rows:
                values = [bytes(v) for v in row[1:]]
                if any(v[:4] == ZSTD_MAGIC and frame_dictionary(v) for v in values):
                    params.append({"k": row[0], **{c: pack(unpack(v)) for c, v in zip(columns, values, strict=True)}})
            if params:
                sets = ", ".join(f"{c} = :{c}" for c in columns)
                bind.execute(sa.text(f"UPDATE {table} SET {sets} WHERE {key} = :k"), params)
            last = rows[-1][0]
    op.drop_table('pack_dictionary')
