"""bulk plans: a group's members read in order from an index

Revision ID: 0011_bulk_plans
Revises: 0010_notification_queue
Create Date: 2026-12-01 12:00:00

- `ix_group_members_position` on `group_members (group_id, position, member)`: the
  license plans read a group's members in import order; a 100k-member group was sorted
  on every read (issue 13).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0011_bulk_plans'
down_revision: str | None = '0010_notification_queue'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_group_members_position', 'group_members',
                    ['group_id', 'position', 'member'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_group_members_position', table_name='group_members')
