"""token lease: one write lease per location, with a fencing number (issue 9 items 2, 3, 5)

Revision ID: 0002_token_lease
Revises: 0001
Create Date: 2026-11-30 16:10:00
"""
import sqlite3
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_token_lease'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _native_drop() -> bool:
    # Dropping a column of `tokens` on SQLite must not recreate the table (its children
    # cascade on delete); SQLite drops columns in place from 3.35 on. Older: they stay unused.
    return op.get_bind().dialect.name != "sqlite" or sqlite3.sqlite_version_info >= (3, 35, 0)


def upgrade() -> None:
    op.create_table(
        'leases',
        sa.Column('key', sa.String(length=100), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=True),
        sa.Column('fence', sa.Integer(), nullable=False),
        sa.Column('token_name', sa.String(length=200), nullable=True),
        sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    if _native_drop():
        op.drop_column('tokens', 'lease_owner')
        op.drop_column('tokens', 'lease_expires_at')


def downgrade() -> None:
    if _native_drop():
        op.add_column('tokens', sa.Column('lease_expires_at', sa.DateTime(timezone=True),
                                          nullable=True))
        op.add_column('tokens', sa.Column('lease_owner', sa.String(length=200), nullable=True))
    op.drop_table('leases')
