"""Releases' payload and notice kept zstd-compressed; link_key as one index; no index on opportunity.country alone

The raw releases are an archive read back only to recompile an ocid, and as JSON text they were two thirds of the
database; link_key rows were written to three B-trees (table, primary key, (key, publisher, ocid)) where the last
alone answers every query; ix_opportunity_country repeated the first column of ix_opportunity_country_service.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 03:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 1000


def _repack(to_packed: bool) -> None:
    """Rewrite every release's payload and notice, compressed or back to JSON text, a chunk at a time."""
    from kscity.store.packed import pack, unpack

    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.text("SELECT id, payload, notice FROM release WHERE id > :last ORDER BY id LIMIT :n"),
                            {"last": last, "n": CHUNK}).all()
        if not rows:
            return
        params = []
        for rid, payload, notice in rows:
            # text before a type change that kept the values as they were (SQLite), bytes after
            p, n = (v.encode() if isinstance(v, str) else bytes(v) for v in (payload, notice))
            params.append({"id": rid, "p": pack(unpack(p)) if to_packed else unpack(p),
                           "n": pack(unpack(n)) if to_packed else unpack(n)})
        bind.execute(sa.text("UPDATE release SET payload = :p, notice = :n WHERE id = :id"), params)
        last = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        op.create_table('link_key_new',
                        sa.Column('key', sa.String(length=200), nullable=False),
                        sa.Column('publisher', sa.String(length=120), nullable=False),
                        sa.Column('ocid', sa.String(length=300), nullable=False),
                        sa.ForeignKeyConstraint(['ocid'], ['notice_link.ocid'],
                                                name='fk_link_key_ocid_notice_link', ondelete='CASCADE'),
                        sa.PrimaryKeyConstraint('key', 'publisher', 'ocid', name='pk_link_key'),
                        sqlite_with_rowid=False)
        op.execute("INSERT INTO link_key_new (key, publisher, ocid) SELECT key, publisher, ocid FROM link_key")
        op.drop_index('ix_link_key_key_publisher', table_name='link_key')
        op.drop_table('link_key')
        op.rename_table('link_key_new', 'link_key')
    else:
        op.drop_index('ix_link_key_key_publisher', table_name='link_key')
        op.drop_constraint('pk_link_key', 'link_key', type_='primary')
        op.alter_column('link_key', 'publisher', server_default=None, existing_type=sa.String(length=120))
        op.create_primary_key('pk_link_key', 'link_key', ['key', 'publisher', 'ocid'])
    op.drop_index('ix_opportunity_country', table_name='opportunity')
    with op.batch_alter_table('release') as batch_op:
        for column in ('payload', 'notice'):
            batch_op.alter_column(column, type_=sa.LargeBinary(), existing_type=sa.JSON(), existing_nullable=False,
                                  postgresql_using=f"convert_to({column}::text, 'UTF8')")
    if bind.dialect.name == 'postgresql':  # compressed already: TOAST should not try again
        op.execute("ALTER TABLE release ALTER COLUMN payload SET STORAGE EXTERNAL")
        op.execute("ALTER TABLE release ALTER COLUMN notice SET STORAGE EXTERNAL")
    _repack(to_packed=True)


def downgrade() -> None:
    bind = op.get_bind()
    _repack(to_packed=False)
    with op.batch_alter_table('release') as batch_op:
        for column in ('payload', 'notice'):
            batch_op.alter_column(column, type_=sa.JSON(), existing_type=sa.LargeBinary(), existing_nullable=False,
                                  postgresql_using=f"convert_from({column}, 'UTF8')::json")
    op.create_index('ix_opportunity_country', 'opportunity', ['country'], unique=False)
    if bind.dialect.name == 'sqlite':
        op.create_table('link_key_old',
                        sa.Column('key', sa.String(length=200), nullable=False),
                        sa.Column('ocid', sa.String(length=300), nullable=False),
                        sa.Column('publisher', sa.String(length=120), server_default='', nullable=False),
                        sa.ForeignKeyConstraint(['ocid'], ['notice_link.ocid'],
                                                name='fk_link_key_ocid_notice_link', ondelete='CASCADE'),
                        sa.PrimaryKeyConstraint('key', 'ocid', name='pk_link_key'))
        op.execute("INSERT OR IGNORE INTO link_key_old (key, ocid, publisher) SELECT key, ocid, publisher FROM link_key")
        op.drop_table('link_key')
        op.rename_table('link_key_old', 'link_key')
    else:
        op.drop_constraint('pk_link_key', 'link_key', type_='primary')
        op.execute("DELETE FROM link_key a USING link_key b WHERE a.key = b.key AND a.ocid = b.ocid "
                    "AND a.publisher > b.publisher")
        op.alter_column('link_key', 'publisher', server_default='', existing_type=sa.String(length=120))
        op.create_primary_key('pk_link_key', 'link_key', ['key', 'ocid'])
    op.create_index('ix_link_key_key_publisher', 'link_key', ['key', 'publisher', 'ocid'], unique=False)
