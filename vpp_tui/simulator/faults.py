"""Faults switched on per run, parsed from short strings (`vpp-tui simulator --fault SPEC`).

Syntax: `KIND[:key=value]...`; keys common to every kind: `after=N` (let N matching requests
through first), `count=N` (hit N requests, then stop; `count=*` never stops), `path=TEXT`
(only requests whose path contains TEXT), `location=NAME` (only requests for that location),
`chance=P` (act on each matching request with probability P, 0 < P <= 1: random faults for
soak runs; `count` then counts the requests hit).

  429[:retry_after=S]                    HTTP 429 + 9646 (count default 1)
  5xx[:status=503|500|502|504][:retry_after=S]
                                         503 + 9729, or 500 + 9603 (count default 1)
  latency:ms=N                           every matching request takes N ms of clock time
                                         (count default *)
  error200:code=N                        an ErrorResponse with HTTP 200 (count default 1)
  revoke:location=NAME[:after=N]         Apple revokes the location's tokens (9625) once
  claim:location=NAME[:name=MDM][:after=N]
                                         another MDM sets mdmInfo on the location once
  hold[:timeout=S]                       the request waits (before Apple acts on it) until
                                         `/_simulator/control` releases the holds, or S
                                         seconds pass (default 60; count default 1): a test
                                         orders processes by an event, not a sleep

Without `path=`, request faults spare `/service/config`, which needs no token.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

KINDS = ("429", "5xx", "latency", "error200", "revoke", "claim", "hold")
_KEYS = {
    "429": {"retry_after"},
    "5xx": {"status", "retry_after"},
    "latency": {"ms"},
    "error200": {"code"},
    "revoke": set(),
    "claim": {"name", "metadata"},
    "hold": {"timeout"},
}
_COMMON = {"after", "count", "path", "location", "chance"}
_RNG = random.Random()


@dataclass
class Fault:
    kind: str
    count: int | None = 1  # None: unlimited
    after: int = 0
    path: str | None = None
    location: str | None = None
    status: int = 503
    retry_after: float | None = None
    ms: int = 0
    code: int = 9646
    name: str = "Another MDM"
    metadata: str = "other-mdm.example.com"
    chance: float = 1.0
    timeout: float = 60.0
    seen: int = 0
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.fired >= self.count

    def matches(self, path: str, location_name: str | None, location_uid: str | None) -> bool:
        if self.exhausted:
            return False
        if self.location is not None and self.location not in (location_name, location_uid):
            return False
        if self.path is not None:
            return self.path in path
        return not path.endswith("/service/config")

    def take(self) -> bool:
        """Count one matching request; True when the fault acts on it."""
        self.seen += 1
        if self.seen <= self.after or self.exhausted:
            return False
        if self.chance < 1.0 and _RNG.random() >= self.chance:
            return False
        self.fired += 1
        return True


def parse_fault(spec: str) -> Fault:
    """Parse one `--fault` value; ValueError names what is wrong."""
    parts = [p for p in spec.strip().split(":")]
    kind = parts[0].strip().lower()
    if kind not in KINDS:
        raise ValueError(f"unknown fault {kind!r} in {spec!r}; use one of {', '.join(KINDS)}")
    fault = Fault(kind=kind, count=None if kind == "latency" else 1)
    for part in parts[1:]:
        if not part:
            continue
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in (_KEYS[kind] | _COMMON):
            allowed = ", ".join(sorted(_KEYS[kind] | _COMMON))
            raise ValueError(f"bad option {part!r} in fault {spec!r}; {kind} takes {allowed}")
        _set(fault, key, value.strip(), spec)
    if kind in ("revoke", "claim") and not fault.location:
        raise ValueError(f"fault {spec!r} needs location=NAME")
    if not 0.0 < fault.chance <= 1.0:
        raise ValueError(f"fault {spec!r}: chance must be more than 0 and at most 1")
    if kind == "5xx" and fault.status not in (500, 502, 503, 504):
        raise ValueError(f"fault {spec!r}: status must be 500, 502, 503 or 504")
    return fault


def _set(fault: Fault, key: str, value: str, spec: str) -> None:
    try:
        if key == "count":
            fault.count = None if value in ("*", "inf") else int(value)
        elif key in ("after", "status", "ms", "code"):
            setattr(fault, key, int(value))
        elif key in ("retry_after", "timeout"):
            setattr(fault, key, float(value))
        elif key == "chance":
            fault.chance = float(value)
        else:
            setattr(fault, key, value)
    except ValueError as exc:
        raise ValueError(f"fault {spec!r}: {key} must be a number, not {value!r}") from exc
