"""admin_language: each admin's own console language

Revision ID: 0008_admin_language
Revises: 0007_usage_history
Create Date: 2026-11-30 23:45:00

- `admin_preferences`: one row per admin who chose a console language in Settings
  (issue 15). The store's `settings` stay shared by every admin; this is per admin.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_admin_language'
down_revision: str | None = '0007_usage_history'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'admin_preferences',
        sa.Column('admin', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('admin'),
    )


def downgrade() -> None:
    op.drop_table('admin_preferences')
