"""The services' `world` fixtures for the breaker tests."""

from tests.services.conftest import sqlite_world, world  # noqa: F401
