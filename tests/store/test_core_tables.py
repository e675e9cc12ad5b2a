"""The Core tables of `store/tables/` are the models' tables, generated (issue 13): they
must never drift from `store/models/`, the one definition of the schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from vpp_tui.store import models as m
from vpp_tui.store import tables as t
from vpp_tui.store.tables import generate


def test_generated_core_tables_are_what_the_generator_writes_from_the_models_now() -> None:
    folder = Path(generate.__file__).parent
    stale = [name for name, text in generate.sources().items()
             if not (folder / name).exists()
             or (folder / name).read_text(encoding="utf-8") != text]
    assert stale == [], f"run scripts/core_tables: {stale} differ from the models"


def _column_facts(column) -> tuple:  # noqa: ANN001
    default = column.default
    shown = None if default is None else (
        ("scalar", default.arg) if default.is_scalar else ("callable", default.arg.__name__))
    return (column.name, column.primary_key, column.nullable, column.autoincrement,
            column.server_default, shown,
            sorted((fk.target_fullname, fk.ondelete, fk.onupdate) for fk in column.foreign_keys))


def _constraints(table) -> tuple:  # noqa: ANN001
    return (sorted((type(k).__name__, tuple(c.name for c in k.columns))
                   for k in table.constraints),
            sorted((i.name, i.unique, tuple(c.name for c in i.columns)) for i in table.indexes))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()],
                         ids=["sqlite", "postgresql"])
def test_core_tables_equal_the_models_tables_columns_types_keys_defaults_and_indexes(
        dialect) -> None:  # noqa: ANN001
    models = m.TableModel.metadata.tables
    assert sorted(t.metadata.tables) == sorted(models)
    for name, model_table in models.items():
        core = t.metadata.tables[name]
        assert [_column_facts(c) for c in core.columns] == [
            _column_facts(c) for c in model_table.columns], name
        assert [c.type.compile(dialect) for c in core.columns] == [
            c.type.compile(dialect) for c in model_table.columns], name
        assert _constraints(core) == _constraints(model_table), name
        assert str(CreateTable(core).compile(dialect=dialect)) == str(
            CreateTable(model_table).compile(dialect=dialect)), name
        assert sorted(str(CreateIndex(i).compile(dialect=dialect)) for i in core.indexes) == \
            sorted(str(CreateIndex(i).compile(dialect=dialect)) for i in model_table.indexes)


def test_core_tables_module_is_t_the_models_table_helper() -> None:
    # `models.table(Model)` gives the generated Core table: one set of Core tables.
    assert m.table(m.Token) is t.tokens
    assert m.table(m.AdminGrant) is t.grants


def test_generator_refuses_what_it_cannot_write_rather_than_dropping_it() -> None:
    # A server default, a check constraint: written nowhere by the generator, so a model
    # using one must stop it (scripts/core_tables fails) instead of a silently poorer copy.
    from sqlalchemy import CheckConstraint, Column, Integer, MetaData, Table, text

    meta = MetaData()
    served = Table("served", meta, Column("n", Integer, server_default=text("1")))
    checked = Table("checked", meta, Column("n", Integer), CheckConstraint("n > 0"))
    with pytest.raises(generate.Unsupported, match="served.n"):
        generate.table_code(served, set())
    with pytest.raises(generate.Unsupported, match="checked"):
        generate.table_code(checked, set())
