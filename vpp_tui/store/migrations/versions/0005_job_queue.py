"""job queue: long work queued in the store for `vpp-tui worker` processes (issue 13)

Revision ID: 0005_job_queue
Revises: 0004_sync_scale
Create Date: 2026-11-30 23:00:00

One row per job (`domain.jobs`): what to do (kind, token, payload), as whom (actor), its
state and progress, the worker holding it and until when (claimed_by, lease_expires_at),
how often it was claimed, and what it ended with. Workers claim with
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (`services.jobs.queue`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_job_queue'
down_revision: str | None = '0004_sync_scale'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('token_name', sa.String(length=200), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('actor', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('progress_done', sa.Integer(), nullable=False),
        sa.Column('progress_total', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=64), nullable=False),
        sa.Column('claimed_by', sa.String(length=200), nullable=True),
        sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('cancel_requested', sa.Boolean(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=300), nullable=True),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('result', sa.Text(), nullable=True),
        sa.Column('exit_status', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dedupe_key'),
    )
    op.create_index('ix_jobs_state_queued', 'jobs', ['state', 'queued_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_jobs_state_queued', table_name='jobs')
    op.drop_table('jobs')
