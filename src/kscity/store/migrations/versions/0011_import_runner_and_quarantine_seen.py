"""Imports say which process runs them (runner, progress_at), so that one whose process died (a `kill -9`) reads as
interrupted, not running for ever, and a later import of the same file (path and size) that completes it is named
(resumed_by).
quarantine_seen records every import that met a quarantined item: the item is kept once, under the first import,
and a re-run's report lists it too. Items quarantined before this revision were met by the import that keeps them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 21:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('import_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('size', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('runner', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('progress_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resumed_by', sa.Integer(), nullable=True))
    op.create_table(
        'quarantine_seen',
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('quarantine_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['file_id'], ['import_file.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['quarantine_id'], ['quarantine.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('file_id', 'quarantine_id'),
    )
    op.create_index(op.f('ix_quarantine_seen_quarantine_id'), 'quarantine_seen', ['quarantine_id'], unique=False)
    op.execute("INSERT INTO quarantine_seen (file_id, quarantine_id) SELECT file_id, id FROM quarantine")


def downgrade() -> None:
    op.drop_index(op.f('ix_quarantine_seen_quarantine_id'), table_name='quarantine_seen')
    op.drop_table('quarantine_seen')
    with op.batch_alter_table('import_file', schema=None) as batch_op:
        batch_op.drop_column('resumed_by')
        batch_op.drop_column('progress_at')
        batch_op.drop_column('runner')
        batch_op.drop_column('size')
