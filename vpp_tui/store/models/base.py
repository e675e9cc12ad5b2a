"""The base every table shares (lazy validators) and the creation-time column."""

from typing import Any

from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from vpp_tui.store.types import UTCDateTime, utcnow


class TableModel(SQLModel):
    """Every table's base: its validator (never used on tables) is built on first use,
    not at import: a quarter of this module's import (issue 13, CLI start-up)."""

    model_config = SQLModelConfig(defer_build=True)


def created() -> Any:
    """A non-null UTC timestamp column defaulting to now (`store.types.utcnow`)."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
