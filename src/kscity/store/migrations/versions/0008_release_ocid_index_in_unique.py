"""No separate index on release.ocid: the unique (ocid, release_id) index answers every lookup by ocid

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 03:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | Sequence[str] | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_release_ocid', table_name='release')


def downgrade() -> None:
    op.create_index('ix_release_ocid', 'release', ['ocid'], unique=False)
