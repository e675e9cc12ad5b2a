"""domain.frozen.quick_init: the same frozen instances, built for less (issue 13)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from vpp_tui.domain.frozen import quick_init


@dataclass(frozen=True, slots=True)
class _Plain:
    name: str
    count: int = 0
    tags: tuple[str, ...] = ()


def test_quick_init_builds_instances_equal_hashed_and_frozen_as_the_dataclass_does():
    before = [_Plain("a"), _Plain("b", 2), _Plain("c", tags=("x",)), _Plain(name="d", count=1)]
    fast = quick_init(dataclass(frozen=True, slots=True)(type("_Plain", (), {
        "__annotations__": {"name": "str", "count": "int", "tags": "tuple[str, ...]"},
        "count": 0, "tags": ()})))
    after = [fast("a"), fast("b", 2), fast("c", tags=("x",)), fast(name="d", count=1)]
    assert [dataclasses.astuple(x) for x in after] == [dataclasses.astuple(x) for x in before]
    assert [repr(x) for x in after] == [repr(x) for x in before]
    assert len({*after, fast("a")}) == 4 and after[0] == fast("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        after[0].name = "z"  # type: ignore[misc]
    with pytest.raises(TypeError):
        fast()  # type: ignore[call-arg]
    assert dataclasses.replace(after[1], count=5) == fast("b", 5)


def test_quick_init_refuses_a_class_it_cannot_build_exactly():
    @dataclass(slots=True)
    class Mutable:
        name: str

    @dataclass(frozen=True, slots=True)
    class Factory:
        tags: list[str] = field(default_factory=list)

    @dataclass(frozen=True)
    class NoSlots:
        name: str

    for cls in (Mutable, Factory, NoSlots):
        with pytest.raises(TypeError):
            quick_init(cls)
