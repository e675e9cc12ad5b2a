"""nfc text: the values filters read are rewritten in Unicode NFC

Revision ID: 0012_nfc_text
Revises: 0011_bulk_plans
Create Date: 2026-12-01 15:30:00

Filters compare typed text in NFC (`store.text_match`, Unicode UAX #15) and new values are
stored in NFC (`domain.text.nfc`); a store filled before held names as files and Apple
wrote them, some decomposed ("Zoe" + U+0301 from a macOS export), which no filter found.
This rewrites the text columns a filter reads (and `group_members.member`, which names a
user's UPN or a device's serial) in NFC, reading each table in batches by primary key and
updating only rows that change, in Python (the same on SQLite and PostgreSQL). A value
whose NFC form another row of a unique column already holds is left as it is: the two
rows stay distinct, nothing is lost. No schema change; downgrade leaves the values in NFC.
"""
from collections.abc import Sequence
import unicodedata

import sqlalchemy as sa
from alembic import op

revision: str = '0012_nfc_text'
down_revision: str | None = '0011_bulk_plans'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

# table: (primary key columns, text columns, {unique text column: the other columns of
# its unique key})
_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    'directory_users': (('id',), ('upn', 'name', 'managed_apple_id'), {'upn': ()}),
    'directory_devices': (('id',), ('serial', 'name', 'platform', 'primary_user'),
                          {'serial': ()}),
    'directory_groups': (('id',), ('name',), {'name': ()}),
    'group_members': (('group_id', 'member'), ('member',), {'member': ('group_id',)}),
    'assets': (('id',), ('name',), {}),
    'tokens': (('id',), ('name',), {'name': ()}),
    'audit_entries': (('id',), ('actor', 'action', 'target', 'result', 'detail',
                                'apple_event_id'), {}),
}


def _nfc(value: object) -> object:
    if not isinstance(value, str) or unicodedata.is_normalized('NFC', value):
        return value
    return unicodedata.normalize('NFC', value)


def _taken(bind: sa.Connection, table: sa.TableClause, others: tuple[str, ...],
           row: sa.Row, field: str, value: str) -> bool:
    """Another row already holds `value` in the unique `field` (with the same values as
    `row` in `others`, the other columns of the unique key)."""
    same = [table.c[field] == value] + [table.c[k] == row._mapping[k] for k in others]
    return bind.execute(sa.select(sa.literal(1)).select_from(table)
                        .where(*same).limit(1)).first() is not None


def _normalise(bind: sa.Connection, name: str) -> None:
    key, fields, unique = _COLUMNS[name]
    table = sa.table(name, *(sa.column(c) for c in dict.fromkeys((*key, *fields))))
    keys = [table.c[k] for k in key]
    last: tuple | None = None
    while True:
        query = sa.select(*table.c).order_by(*keys).limit(BATCH)
        if last is not None:
            query = query.where(sa.tuple_(*keys) > sa.tuple_(*last) if len(keys) > 1
                                else keys[0] > last[0])
        rows = bind.execute(query).all()
        if not rows:
            return
        last = tuple(rows[-1]._mapping[k] for k in key)
        for row in rows:
            changes = {f: _nfc(row._mapping[f]) for f in fields
                       if _nfc(row._mapping[f]) != row._mapping[f]}
            changes = {f: v for f, v in changes.items()
                       if f not in unique or not _taken(bind, table, unique[f], row, f, v)}
            if changes:
                bind.execute(table.update().where(
                    *(table.c[k] == row._mapping[k] for k in key)).values(changes))


def upgrade() -> None:
    bind = op.get_bind()
    for name in _COLUMNS:
        _normalise(bind, name)


def downgrade() -> None:
    pass  # NFC text is what every revision stores; the decomposed forms are not kept
