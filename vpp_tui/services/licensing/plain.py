"""Plain rows the license plans read instead of ORM objects (issue 13).

A bulk plan reads tens of thousands of Apple users and license rows; building an ORM
object for each cost seconds. These tuples carry the columns the plans read; the
Protocols name what `facts.AppleIds` reads, so an ORM row being written (`apply.
store_users`, `rows.Rows`) and a plain row are read alike.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple, Protocol


class AppleUserLike(Protocol):
    """What `AppleIds` reads of an Apple user: an `m.AppleUser` or an `AppleUserRow`."""

    @property
    def token_id(self) -> int: ...
    @property
    def client_user_id(self) -> str: ...
    @property
    def upn(self) -> str | None: ...
    @property
    def managed_apple_id(self) -> str | None: ...
    @property
    def status(self) -> str: ...


class AppleUserRow(NamedTuple):
    """An `AppleUser` row as `apple_ids` reads it: plain columns, no ORM object (issue 13:
    building an ORM object per Apple user made every bulk plan cost seconds per 20k
    users). To change a row, load its `m.AppleUser` (`apply.store_users`)."""

    id: int
    token_id: int
    client_user_id: str
    upn: str | None
    email: str | None
    managed_apple_id: str | None
    status: str


class LicenseKey(NamedTuple):
    """A license row as the plans read it (`license_keys`): what `AppleIds.member_of`,
    `targets_of` and `holdings_of` need, no ORM object."""

    id: int
    asset_id: int
    kind: str
    member: str
    client_user_id: str | None
    serial: str | None
    status: str


class LicenseLike(Protocol):
    """What `AppleIds` reads of a license row: an `m.License` or a `LicenseKey`."""

    @property
    def kind(self) -> str: ...
    @property
    def member(self) -> str: ...
    @property
    def client_user_id(self) -> str | None: ...
    @property
    def serial(self) -> str | None: ...


@contextmanager
def bulk_build() -> Iterator[None]:
    """No cyclic garbage collection while a plan builds its 100k plain objects (rows,
    members, results): none of them forms a cycle, and the collector, woken every few
    hundred allocations to walk every object alive, took 20-40 % of a bulk plan's CPU
    (issue 13). Collection resumes at the end, unless it was already off. Never around
    a call to Apple or a wait: only around reading and planning. Usable as a decorator."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
