"""link_key.publisher: whose ids a linked notice carries, so that candidates of other publishers are two index
ranges even when ocids have no registered OCDS prefix (Mexico's GACM publishes ocids such as "10").

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-26 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | Sequence[str] | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('link_key', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publisher', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_index('ix_link_key_key_publisher', ['key', 'publisher', 'ocid'], unique=False)
    # rows linked before this revision: the publisher from the ocid and the kind of its releases
    from kscity.services.opportunity_build import publisher_of

    bind = op.get_bind()
    kinds: dict[str, str] = {o: k for o, k in bind.execute(sa.text("SELECT DISTINCT ocid, kind FROM release"))}
    ocids = [r[0] for r in bind.execute(sa.text("SELECT DISTINCT ocid FROM link_key"))]
    for ocid in ocids:
        bind.execute(sa.text("UPDATE link_key SET publisher = :p WHERE ocid = :o"),
                     {"p": publisher_of(ocid, kinds.get(ocid, "ocds")), "o": ocid})


def downgrade() -> None:
    with op.batch_alter_table('link_key', schema=None) as batch_op:
        batch_op.drop_index('ix_link_key_key_publisher')
        batch_op.drop_column('publisher')
