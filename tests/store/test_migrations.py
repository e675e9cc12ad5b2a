"""Every schema change is an Alembic revision: the models and the migrations never drift."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import vpp_tui.store.models  # noqa: F401
from vpp_tui.store.engine import alembic_config, head_from_files, open_store, stored_revision


def test_models_match_the_migrations(store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models changed without an Alembic revision: {diff}"


def test_revisions_form_one_line_of_history() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1


def test_head_read_from_the_revision_files_is_alembics_head() -> None:
    # Start-up (issue 13): an up-to-date store is recognised without importing Alembic.
    script = ScriptDirectory.from_config(alembic_config())
    assert head_from_files() == script.get_current_head()


def test_a_store_behind_the_head_is_still_upgraded(tmp_path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.db'}"
    open_store(url).close()
    cfg = alembic_config()
    store = open_store(url, migrate=False)
    with store.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "-1")
    assert stored_revision(store.engine) != head_from_files()
    store.close()
    reopened = open_store(url)
    try:
        assert stored_revision(reopened.engine) == head_from_files()
    finally:
        reopened.close()


def test_admin_language_comes_after_usage_history_and_upgrades_a_store_at_0007(
        tmp_path) -> None:
    """0008_admin_language (issue 15) is chained after 0007_usage_history: a store left at
    0007 gains `admin_preferences` when opened, and keeps its rows."""
    from alembic import command
    from sqlalchemy import inspect, text

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_revision("0008_admin_language").down_revision == "0007_usage_history"
    url = f"sqlite:///{tmp_path / 'at7.db'}"
    open_store(url).close()
    cfg = alembic_config()
    store = open_store(url, migrate=False)
    with store.engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0007_usage_history")
        connection.execute(text("insert into settings (key, value, updated_at, updated_by) "
                                "values ('theme', '\"nord\"', '2026-11-30', 'ana')"))
    assert "admin_preferences" not in inspect(store.engine).get_table_names()
    store.close()
    reopened = open_store(url)
    try:
        assert stored_revision(reopened.engine) == head_from_files()
        assert "admin_preferences" in inspect(reopened.engine).get_table_names()
        with reopened.engine.connect() as conn:
            assert conn.execute(text("select count(*) from settings")).scalar() == 1
    finally:
        reopened.close()
