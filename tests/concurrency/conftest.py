"""Fixtures for the concurrency tests (the steps they share are in scenario.py; the
PostgreSQL server is the session's, from tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.concurrency.served import ServedSimulator


@pytest.fixture
def simulators(tmp_path: Path) -> Iterator[list[ServedSimulator]]:
    """Served simulators a test starts (`simulators.append(serve(...))`), stopped after."""
    started: list[ServedSimulator] = []
    yield started
    for sim in started:
        sim.stop()
