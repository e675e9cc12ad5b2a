"""notifications: where Apple POSTs a token's notifications, and those received

Revision ID: 0006_notifications
Revises: 0005_job_queue
Create Date: 2026-11-30 23:00:00

- `tokens.notification_url`, `tokens.notification_token_sha256`: set by
  `token set NAME --notification-url URL`; only the SHA-256 of the bearer Apple sends is kept.
- `notifications`: each notification `vpp-tui listen` accepted, once per notificationId.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_notifications'
down_revision: str | None = '0005_job_queue'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notification_url', sa.String(length=512), nullable=True))
        batch_op.add_column(sa.Column('notification_token_sha256', sa.String(length=64),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_tokens_notification_token_sha256'),
                              ['notification_token_sha256'], unique=False)
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.String(length=128), nullable=False),
    sa.Column('notification_type', sa.String(length=32), nullable=False),
    sa.Column('apple_event_id', sa.String(length=64), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['tokens.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_id', 'notification_id')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_token_id'), ['token_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_notification_type'),
                              ['notification_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_apple_event_id'),
                              ['apple_event_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_apple_event_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_notification_type'))
        batch_op.drop_index(batch_op.f('ix_notifications_token_id'))
    op.drop_table('notifications')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_notification_token_sha256'))
        batch_op.drop_column('notification_token_sha256')
        batch_op.drop_column('notification_url')
