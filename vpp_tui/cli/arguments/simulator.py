"""Arguments of `vpp-tui simulator` (vpp_tui/simulator/serve.py runs it)."""

from __future__ import annotations

import argparse

from vpp_tui.domain.text import quote
from vpp_tui.i18n import _


def world_size(text: str) -> int:
    """`--size N`: a whole number of assets, at least 1; ArgumentTypeError otherwise (exit 2,
    one line)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            _("{value} is not a whole number of 1 or more").format(value=quote(text)))
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help=_("address to listen on"))
    parser.add_argument("--port", type=int, default=8787, help=_("port to listen on"))
    parser.add_argument("--world", choices=["demo", "scale"], default="demo",
                        help=_("demo: Contoso Schools, every token state; scale: benchmarks"))
    parser.add_argument("--size", type=world_size, default=1000,
                        help=_("number of assets in the scale world"))
    parser.add_argument("--tokens-dir", metavar="DIR", default=".",
                        help=_("where to write one .vpptoken per location and manifest.json"))
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help=_(
        "inject a fault (repeatable): KIND[:key=value]…  kinds: 429[:retry_after=S], "
        "5xx[:status=503][:retry_after=S], latency:ms=N, error200:code=N, "
        "revoke:location=NAME[:after=N], claim:location=NAME[:name=MDM][:after=N], "
        "hold[:timeout=S] (waits for --control's release_holds); "
        "common keys: count=N|* (requests hit), after=N (requests let through first), "
        "path=TEXT, location=NAME. Example: --fault 429:count=5 "
        "--fault 'claim:location=North Campus:name=Jamf Pro:after=5'; chance=P makes a "
        "fault random: it hits each matching request with probability P"))
    parser.add_argument("--event-delay", type=float, default=2.0, metavar="SECONDS",
                        help=_("how long an asynchronous event takes to complete"))
    parser.add_argument("--control", action="store_true", help=_(
        "also serve /_simulator/control: GET shows the faults and the event delay, POST "
        "{\"clear_faults\": true, \"faults\": [SPEC], \"event_delay\": S, "
        "\"release_holds\": true} changes them "
        "while the server runs (for soak runs and tests; never on a shared address)"))
