"""Link keys without each notice's own id key ("id:<ocid>"): only notices of the same ocid share it, and the store
keeps one link per ocid, so no lookup ever found another notice under it (kscity.core.dedupe.linking_keys).
The rows are deleted; a downgrade leaves them out (the code of the revisions before looked them up and never
found another notice by them, so nothing it does changes).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 07:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012'
down_revision: str | Sequence[str] | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a range of the (key, publisher, ocid) index: ';' follows ':' in every collation the two databases use here
    op.execute(sa.text("DELETE FROM link_key WHERE key >= 'id:' AND key < 'id;'"))


def downgrade() -> None:
    pass
