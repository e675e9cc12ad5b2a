"""`/_simulator/control`: change a served simulator's faults and event delay while it runs.

Served only when `vpp-tui simulator --control` asks for it (soak runs and concurrency tests
switch faults off before they compare the store with Apple). Never subject to faults, rate
limits or tokens: it is the test operator's hand, not Apple's API.

  GET  /_simulator/control   -> {"event_delay": S, "faults": [Fault as a dict, ...]}
  POST /_simulator/control   JSON body, every key optional, applied in this order:
         {"clear_faults": true,          drop every fault (their counts go with them)
          "faults": ["SPEC", ...],       add faults (`--fault` syntax, simulator.faults)
          "event_delay": S,              seconds an event takes from now on (>= 0)
          "release_holds": true,         requests a `hold` fault stopped go on
          "purchase": {"location": NAME, "adam_id": ID, "count": N}}
                                         buy N licenses (negative: refund), as the
                                         admin hook does: an ASSET_COUNT goes out
       -> the GET answer; 400 {"error": "..."} for a bad body (nothing changes then)
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from vpp_tui.simulator.faults import Fault, parse_fault
from vpp_tui.simulator.request import Request, Response, json_response

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

CONTROL_PATH = "/_simulator/control"


def state(sim: Simulator) -> dict[str, Any]:
    """The control view: event delay in seconds and every fault with its counters."""
    with sim.lock:
        return {"event_delay": sim.event_delay, "faults": [asdict(f) for f in sim.faults]}


def handle(sim: Simulator, req: Request) -> Response:
    """Answer one control request (see the module docstring for the shapes)."""
    if req.method == "GET":
        return json_response(200, state(sim))
    if req.method != "POST":
        return json_response(405, {"error": "use GET or POST"})
    try:
        body = json.loads(req.body.decode("utf-8") or "{}")
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        added = _faults(body.get("faults", []))
        purchase = _purchase(body.get("purchase"))
        delay = body.get("event_delay")
        if delay is not None and (not isinstance(delay, int | float) or delay < 0):
            raise ValueError("event_delay must be a number of seconds >= 0")
    except (UnicodeDecodeError, ValueError) as exc:
        return json_response(400, {"error": str(exc)})
    with sim.lock:
        if body.get("clear_faults"):
            sim.faults.clear()
        sim.faults.extend(added)
        if delay is not None:
            sim.event_delay = float(delay)
    if body.get("release_holds"):
        sim.release_holds()
    if purchase is not None:
        try:
            sim.purchase(*purchase)
        except KeyError as exc:
            return json_response(400, {"error": str(exc)})
    return json_response(200, state(sim))


def _purchase(spec: object) -> tuple[str, str, int] | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or not isinstance(spec.get("location"), str) or \
            not isinstance(spec.get("count"), int) or not str(spec.get("adam_id") or ""):
        raise ValueError("purchase must be {\"location\": NAME, \"adam_id\": ID, "
                         "\"count\": N}")
    return spec["location"], str(spec["adam_id"]), spec["count"]


def _faults(specs: object) -> list[Fault]:
    if not isinstance(specs, list) or not all(isinstance(s, str) for s in specs):
        raise ValueError("faults must be a list of fault specs, e.g. [\"429:count=2\"]")
    return [parse_fault(s) for s in specs]
