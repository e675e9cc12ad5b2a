"""sync scale: remember Apple's `/assets` versionId per token (issue 13, delta sync)

Revision ID: 0004_sync_scale
Revises: 0003_access
Create Date: 2026-11-30 23:00:00

`tokens.assets_version_id`: the `versionId` of the first `/assets` page of the last
sync that read every asset page. A delta sync reads page 0 only and skips the rest when
Apple's versionId is still this one (apple-api.md §3.2: `/assets` returns a versionId but
takes no `sinceVersionId`). NULL (every existing token): the next sync reads all pages.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_sync_scale'
down_revision: str | None = '0003_access'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('tokens', sa.Column('assets_version_id', sa.String(length=128),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_column('assets_version_id')
