"""The simulator as a Starlette ASGI app: every path goes to `Simulator.handle`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

if TYPE_CHECKING:
    from vpp_tui.simulator.core import Simulator

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def create_app(sim: Simulator) -> Starlette:
    async def endpoint(request: Request) -> Response:
        body = await request.body()
        # handle() may wait on the clock (latency faults) and takes a lock: keep it off the loop.
        status, headers, content = await run_in_threadpool(
            sim.handle, request.method, str(request.url), dict(request.headers), body)
        return Response(content=content, status_code=status, headers=headers)

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=METHODS)])
