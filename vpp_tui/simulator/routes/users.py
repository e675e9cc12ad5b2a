"""`/users` and the user-managing POSTs (create, update, retire)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vpp_tui.simulator import paging
from vpp_tui.simulator.errors import ApiError
from vpp_tui.simulator.request import Request

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def get_users(sim: Simulator, req: Request) -> dict[str, Any]:
    q = req.query
    loc = req.loc
    index = paging.page_index(q)
    since = q.get("sinceVersionId")
    since_seq = None
    if since is not None:
        since_seq = loc.user_versions.seq_of(since)
        if since_seq is None:
            raise ApiError(9721)
    active_only = bool(paging.boolean(q, "activeOnly"))
    retired_only = bool(paging.boolean(q, "retiredOnly"))
    cid = q.get("clientUserId")
    chosen = [u for u in loc.users
              if (cid is None or u.client_user_id == cid)
              and (since_seq is None or u.seq > since_seq)
              and not (active_only and u.status == "Retired")
              and not (retired_only and u.status != "Retired")]
    chunk, fields = paging.page(chosen, index, sim.page_size)
    return {"users": [u.wire() for u in chunk], **fields,
            "versionId": loc.user_versions.current}


def _users(sim: Simulator, req: Request, *, need_email_check: bool) -> list[dict[str, Any]]:
    data = req.json_object()
    users = data.get("users")
    if users is None or users == []:
        raise ApiError(9720)
    if not isinstance(users, list) or not all(
            isinstance(u, dict) and isinstance(u.get("clientUserId"), str) and u["clientUserId"]
            for u in users):
        raise ApiError(9602)
    if len(users) > sim.limits["maxUsers"]:
        raise ApiError(9714)
    ids = [u["clientUserId"] for u in users]
    if len(set(ids)) != len(ids):
        raise ApiError(9715, error_info={"clientUserIds": sorted(
            {i for i in ids if ids.count(i) > 1})})
    if need_email_check:
        bad = [u["clientUserId"] for u in users
               if u.get("email") is not None and (
                   not isinstance(u["email"], str) or not _EMAIL.match(u["email"]))]
        bad += [u["clientUserId"] for u in users
                if u.get("managedAppleId") is not None and (
                    not isinstance(u["managedAppleId"], str)
                    or not _EMAIL.match(u["managedAppleId"]))]
        if bad:
            raise ApiError(9717, error_info={"clientUserIds": bad})
    return users


def create_users(sim: Simulator, req: Request) -> dict[str, Any]:
    users = _users(sim, req, need_email_check=True)
    tasks = [["c", u["clientUserId"], u.get("email"), u.get("managedAppleId")] for u in users]
    return {"eventId": sim.start_event(req.loc, "CREATE", tasks)}


def update_users(sim: Simulator, req: Request) -> dict[str, Any]:
    users = _users(sim, req, need_email_check=True)
    tasks = [["u", u["clientUserId"], u.get("email"), u.get("managedAppleId")] for u in users]
    return {"eventId": sim.start_event(req.loc, "UPDATE", tasks)}


def retire_users(sim: Simulator, req: Request) -> dict[str, Any]:
    users = _users(sim, req, need_email_check=False)
    tasks = [["x", u["clientUserId"]] for u in users]
    return {"eventId": sim.start_event(req.loc, "RETIRE", tasks)}
