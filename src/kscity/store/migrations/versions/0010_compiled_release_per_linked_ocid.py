"""Each linked ocid keeps its compiled release (packed JSON, with the order key of the last release in it), so an
update merges only its new releases onto it instead of all the ocid's releases again (ocdsmerge's own way to
extend a compiled release). Empty for ocids with one release, for those ocdsmerge warned about, and for links
made before this revision: their next update compiles from the first release and keeps the result.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 14:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('notice_link', sa.Column('compiled', sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':  # compressed already: TOAST should not try again
        op.execute("ALTER TABLE notice_link ALTER COLUMN compiled SET STORAGE EXTERNAL")


def downgrade() -> None:
    op.drop_column('notice_link', 'compiled')
