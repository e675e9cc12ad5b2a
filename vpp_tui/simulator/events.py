"""Asynchronous events: a POST fans out into tasks that complete over simulated time.

Tasks run in request order as the clock passes `duration`; each task's outcome is decided
when it runs, so licenses that run out half-way fail only the later tasks (9709), as a real
batch would. `numCompleted` counts successful tasks; failures are grouped by error number
with the entities in `errorInfo` (Apple's partial FAILED example).

Task encodings (lists, so events survive `Simulator.save`):
  ["a", adamId, pricingParam, kind, target]   associate      kind: "user" | "device"
  ["d", adamId, pricingParam, kind, target]   disassociate
  ["r", kind, target]                          revoke: one task per target (our choice;
                                               Apple's count is undocumented)
  ["c"|"u", clientUserId, email, managedAppleId]   create / update user
  ["x", clientUserId]                          retire user
"""

from __future__ import annotations

import hashlib
from typing import Any

from vpp_tui.simulator.errors import message
from vpp_tui.simulator.state import Event, Location, UserRecord, id_hash


class _Pass:
    """One processing pass: mints at most one new versionId per data set it changes."""

    def __init__(self, loc: Location) -> None:
        self.loc = loc
        self._a: int | None = None
        self._u: int | None = None
        self.released: list[tuple[str, str, str, str]] = []  # the last revoke task's

    def assignment_seq(self) -> int:
        if self._a is None:
            self._a = self.loc.assignment_versions.mint()
        return self._a

    def user_seq(self) -> int:
        if self._u is None:
            self._u = self.loc.user_versions.mint()
        return self._u


def new_event(loc: Location, event_type: str, tasks: list[list[Any]], now_ts: float,
              duration: float) -> Event:
    event = Event(event_id=loc.next_event_id(), event_type=event_type, tasks=tasks,
                  created_at=now_ts, duration=duration)
    loc.events[event.event_id] = event
    return event


def advance(loc: Location, event: Event, now_ts: float) -> bool:
    """Run the tasks that are due by `now_ts`; True when this call finished the event (its
    notification is due, apple-api.md §8). Each task's outcome and the assignments or users
    it touched go to `event.results` for that notification."""
    total = len(event.tasks)
    if event.done >= total:
        return False
    if event.duration <= 0:
        due = total
    else:
        elapsed = max(0.0, now_ts - event.created_at)
        due = total if elapsed >= event.duration else int(total * elapsed / event.duration)
    if due <= event.done:
        return False
    p = _Pass(loc)
    for task in event.tasks[event.done:due]:
        p.released = []
        error = _run(loc, p, task)
        if error is None:
            event.completed += 1
        else:
            _record_failure(event, error, task)
        event.results.append([error, _touched(loc, p, task)])
    event.done = due
    return due >= total


def _touched(loc: Location, p: _Pass, task: list[Any]) -> list[dict[str, Any]]:
    """What a task touched, as a notification lists it: assignments or users (§8.3)."""
    op = task[0]
    if op in ("a", "d"):
        _, adam, pricing, kind, target = task
        return [_assignment(adam, pricing, kind, target)]
    if op == "r":
        return [_assignment(*key) for key in p.released] or [
            {"clientUserId" if task[1] == "user" else "serialNumber": task[2]}]
    user = loc.live_user(task[1]) or next(
        (u for u in reversed(loc.users) if u.client_user_id == task[1]), None)
    return [user.wire()] if user is not None else [{"clientUserId": task[1]}]


def _assignment(adam: str, pricing: str, kind: str, target: str) -> dict[str, Any]:
    return {"adamId": adam, "pricingParam": pricing,
            "clientUserId" if kind == "user" else "serialNumber": target}


def _run(loc: Location, p: _Pass, task: list[Any]) -> int | None:
    op = task[0]
    if op == "a":
        return _associate(loc, p, *task[1:])
    if op == "d":
        _, adam, pricing, kind, target = task
        if (adam, pricing, kind, target) in loc.assignments:
            loc.unassign((adam, pricing, kind, target))
            p.assignment_seq()
        return None
    if op == "r":
        _release(loc, p, task[1], task[2])
        return None
    if op == "c":
        return _create(loc, p, *task[1:])
    if op == "u":
        return _update(loc, p, *task[1:])
    if op == "x":
        user = loc.live_user(task[1])
        if user is None:
            return 9609
        loc.retire_user(user, p.user_seq())
        # v2 leaves this undocumented; v1 released revocable licenses and books stayed.
        _release(loc, p, "user", task[1])
        return None
    raise ValueError(f"unknown task {op!r}")


def _associate(loc: Location, p: _Pass, adam: str, pricing: str, kind: str,
               target: str) -> int | None:
    asset = loc.assets.get((adam, pricing))
    if asset is None:
        return 9602
    if kind == "user" and loc.live_user(target) is None:
        return 9609
    if kind == "device" and not asset.device_assignable:
        return 9707
    key = (adam, pricing, kind, target)
    if key in loc.assignments:
        return None  # already held: a no-op success
    if asset.available <= 0:
        return 9709
    loc.assign(key, p.assignment_seq())
    return None


def _release(loc: Location, p: _Pass, kind: str, target: str) -> None:
    held = loc.by_target.get((kind, target))
    if not held:
        return
    for adam, pricing in sorted(held):
        asset = loc.assets.get((adam, pricing))
        if asset is not None and asset.revocable:
            loc.unassign((adam, pricing, kind, target))
            p.assignment_seq()
            p.released.append((adam, pricing, kind, target))


def invite_code(loc: Location, client_user_id: str, seq: int) -> str:
    return hashlib.md5(f"{loc.uid}:{client_user_id}:{seq}".encode()).hexdigest()


def _create(loc: Location, p: _Pass, cid: str, email: str | None,
            managed: str | None) -> int | None:
    if loc.live_user(cid) is not None:
        return 9716
    seq = p.user_seq()
    if managed:
        user = UserRecord(client_user_id=cid, status="Associated", email=email,
                          managed_apple_id=managed, id_hash=id_hash(managed), seq=seq)
    else:
        user = UserRecord(client_user_id=cid, status="Registered", email=email,
                          invite_code=invite_code(loc, cid, seq), seq=seq)
    loc.add_user(user)
    return None


def _update(loc: Location, p: _Pass, cid: str, email: str | None,
            managed: str | None) -> int | None:
    user = loc.live_user(cid)
    if user is None:
        return 9609
    user.seq = p.user_seq()
    if email:
        user.email = email
    if managed:
        user.managed_apple_id = managed
        user.id_hash = id_hash(managed)
        user.status = "Associated"
        user.invite_code = None
    return None


def _record_failure(event: Event, error: int, task: list[Any]) -> None:
    group = next((f for f in event.failures if f["errorNumber"] == error), None)
    if group is None:
        group = {"errorInfo": {}, "errorNumber": error, "errorMessage": message(error)}
        event.failures.append(group)
    info = group["errorInfo"]

    def add(key: str, value: Any) -> None:
        bucket = info.setdefault(key, [])
        if value not in bucket:
            bucket.append(value)

    op = task[0]
    if op in ("a", "d"):
        _, adam, pricing, kind, target = task
        if error in (9709, 9707, 9602):
            add("assets", {"adamId": adam, "pricingParam": pricing})
        add("clientUserIds" if kind == "user" else "serialNumbers", target)
    elif op == "r":
        add("clientUserIds" if task[1] == "user" else "serialNumbers", task[2])
    else:
        add("clientUserIds", task[1])


def status_body(event: Event) -> dict[str, Any]:
    body: dict[str, Any] = {"eventStatus": event.status, "eventType": event.event_type,
                            "numCompleted": event.completed, "numRequested": event.requested}
    if event.failures:
        body["failures"] = event.failures
    return body
