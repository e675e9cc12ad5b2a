"""Alembic environment: always run programmatically by vpp_tui.store.engine on a given connection."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import vpp_tui.store.models  # noqa: F401  (registers the tables)
from vpp_tui.store.types import UTCDateTime

target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):  # noqa: ANN001
    # Migrations must not depend on application types that may change later.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and obj.__class__.__module__.startswith("sqlmodel"):
        return f"sa.String(length={obj.length})" if getattr(obj, "length", None) else "sa.String()"
    return False


def run() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
