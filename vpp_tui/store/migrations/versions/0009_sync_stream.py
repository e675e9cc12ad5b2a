"""sync stream: the staging table a full sync writes Apple's pages into as they arrive

Revision ID: 0009_sync_stream
Revises: 0008_admin_language
Create Date: 2026-12-01 02:20:00

- `sync_stage`: run, page, adamId, pricingParam, serial or clientUserId: one row per Apple
  assignment read by a sync in progress (issue 13, streaming sync). The ledger takes the
  rows in one short transaction once the last page is in; they are deleted when the run
  ends, whatever its outcome. Nothing to migrate: the table starts empty.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_sync_stream'
down_revision: str | None = '0008_admin_language'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'sync_stage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('adam_id', sa.String(length=32), nullable=False),
        sa.Column('pricing_param', sa.String(length=8), nullable=False),
        sa.Column('serial', sa.String(length=64), nullable=True),
        sa.Column('client_user_id', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['run_id'], ['sync_runs.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_sync_stage_item', 'sync_stage', ['run_id', 'adam_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sync_stage_item', table_name='sync_stage')
    op.drop_table('sync_stage')
