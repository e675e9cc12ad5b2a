"""access: roles with permissions, grants with scope tags, the store's owner

Revision ID: 0003_access
Revises: 0002_token_lease
Create Date: 2026-11-30 16:20:00

- `role_permissions`: a custom role's permissions (built-in roles keep theirs in
  `domain.access`); `roles.permissions` (JSON, never written) goes.
- `grants` + `grant_scope_tags` replace `role_grants` (never written): a grant is one role
  for one admin over every scope or over a set of scope tags.
- `store_owner`: who created the store. A store made before this revision has no owner:
  the OS login that first opens it with this vpp-tui becomes its owner and Administrator
  (see services/access/identity.py; nobody named only in the audit log is promoted).
- `audit_entries.token_id`: the token an entry is about, so scope tags limit who reads it.
- The built-in roles and the `default` scope tag are seeded.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_access'
down_revision: str | None = '0002_token_lease'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUILT_IN = [
    ("Administrator", "every permission"),
    ("App manager", "apps and books; reading tokens and the directory"),
    ("Token manager", "location tokens (Managed apps)"),
    ("Help desk", "read everything; revoke a user's or a device's licenses"),
    ("Read only", "read everything"),
]


def upgrade() -> None:
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_grants_admin'))
    op.drop_table('role_grants')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.drop_column('permissions')

    op.create_table('role_permissions',
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('permission', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('role_id', 'permission')
    )
    op.create_table('grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('admin', sa.String(length=200), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('all_scopes', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('admin', 'role_id')
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grants_admin'), ['admin'], unique=False)
    op.create_table('grant_scope_tags',
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('scope_tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scope_tag_id'], ['scope_tags.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('grant_id', 'scope_tag_id')
    )
    op.create_table('store_owner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('admin', sa.String(length=200), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entries_token_id'), ['token_id'],
                              unique=False)

    roles = sa.table('roles', sa.column('name', sa.String), sa.column('description', sa.String),
                     sa.column('built_in', sa.Boolean))
    existing = {r[0] for r in op.get_bind().execute(sa.text("SELECT name FROM roles"))}
    op.bulk_insert(roles, [{"name": n, "description": d, "built_in": True}
                           for n, d in BUILT_IN if n not in existing])
    tags = sa.table('scope_tags', sa.column('name', sa.String),
                    sa.column('description', sa.String))
    if not op.get_bind().execute(sa.text(
            "SELECT 1 FROM scope_tags WHERE lower(name) = 'default'")).first():
        op.bulk_insert(tags, [{"name": "default",
                               "description": "tokens that carry no scope tag"}])


def downgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_token_id'))
        batch_op.drop_column('token_id')
    op.drop_table('store_owner')
    op.drop_table('grant_scope_tags')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grants_admin'))
    op.drop_table('grants')
    op.drop_table('role_permissions')
    with op.batch_alter_table('roles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('permissions', sa.JSON(), nullable=False,
                                      server_default='[]'))
    op.create_table('role_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('admin', sa.String(length=200), nullable=False),
    sa.Column('role_id', sa.Integer(), nullable=False),
    sa.Column('scope_tag_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['role_id'], ['roles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['scope_tag_id'], ['scope_tags.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('admin', 'role_id', 'scope_tag_id')
    )
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_grants_admin'), ['admin'], unique=False)
