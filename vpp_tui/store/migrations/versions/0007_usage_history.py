"""usage history: one row per app or book per completed sync, for the usage charts

Revision ID: 0007_usage_history
Revises: 0006_notifications
Create Date: 2026-11-30 23:10:00

- `usage_history`: token, adamId, pricingParam, assigned, available, total, recorded_at.
  Written in each sync's write transaction; thinned by services.usage (domain.usage: all
  samples of the last 30 days, then the last one per item per day, none older than 400
  days). A store upgraded to this revision starts with no history: charts fill from the
  next sync on.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007_usage_history'
down_revision: str | None = '0006_notifications'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'usage_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_id', sa.Integer(), nullable=False),
        sa.Column('adam_id', sa.String(length=32), nullable=False),
        sa.Column('pricing_param', sa.String(length=8), nullable=False),
        sa.Column('assigned', sa.Integer(), nullable=False),
        sa.Column('available', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['token_id'], ['tokens.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_usage_history_item', 'usage_history',
                    ['token_id', 'adam_id', 'pricing_param', 'recorded_at'], unique=False)
    op.create_index(op.f('ix_usage_history_recorded_at'), 'usage_history', ['recorded_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_usage_history_recorded_at'), table_name='usage_history')
    op.drop_index('ix_usage_history_item', table_name='usage_history')
    op.drop_table('usage_history')
