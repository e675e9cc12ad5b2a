"""notification queue: `listen` answers Apple first and applies afterwards

Revision ID: 0010_notification_queue
Revises: 0009_sync_stream
Create Date: 2026-12-01 02:50:00

- `notifications.raw`: the body Apple POSTed, kept until it is applied (so a failed
  apply can be retried after a restart).
- `notifications.applied_at`: when it was applied; null = recorded, not applied yet.
  Rows from before this revision were applied when received: they get `received_at`.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_notification_queue'
down_revision: str | None = '0009_sync_stream'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('notifications') as batch:
        batch.add_column(sa.Column('raw', sa.Text(), nullable=True))
        batch.add_column(sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE notifications SET applied_at = received_at")
    op.create_index('ix_notifications_applied_at', 'notifications', ['applied_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_notifications_applied_at', table_name='notifications')
    with op.batch_alter_table('notifications') as batch:
        batch.drop_column('applied_at')
        batch.drop_column('raw')
