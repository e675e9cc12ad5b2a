"""`vpp-tui listen [--host] [--port]`: receive Apple's notifications (apple-api.md §8).

A small Starlette app under uvicorn (both already run the simulator): every POST, on any
path (a reverse proxy may keep its prefix), goes to `services.notifications.receive`, off
the event loop. The answer is 200 once recorded (a repeat too; it is applied after the
answer, and retried while applying fails), 401 for a wrong bearer,
400 for a body that is no notification, 413 past the size limit. One line per notification
is printed (`--json`: one JSON object per line).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
from argparse import Namespace
from collections.abc import Callable
from typing import Any

from vpp_tui.cli.commands.common import guarded
from vpp_tui.cli.output import EXIT_OK
from vpp_tui.domain.notifications import MAX_BODY_BYTES
from vpp_tui.i18n import _
from vpp_tui.services import notifications
from vpp_tui.services.access import Permission, authorize


def create_app(ctx: Any, on_receipt: Callable[[notifications.Receipt], None] | None = None):  # noqa: ANN201
    """The receiver as an ASGI app over the service context `ctx`.

    Apple is answered as soon as the notification is recorded (`notifications.accept`);
    it is applied afterwards, off the request (a background task after the response,
    one at a time: `notifications.apply_pending`, which also retries any left unapplied,
    and runs once at start-up). `on_receipt` sees each applied (or failed) one."""
    import threading

    from starlette.applications import Starlette
    from starlette.background import BackgroundTask
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    one_at_a_time = threading.Lock()

    def drain() -> None:
        with one_at_a_time:
            for receipt in notifications.apply_pending(ctx):
                if on_receipt is not None:
                    on_receipt(receipt)

    async def endpoint(request: Request) -> JSONResponse:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse({"error": _("too large")}, status_code=413)
        body = await request.body()
        receipt = await run_in_threadpool(notifications.accept, ctx,
                                          request.headers.get("authorization"), body)
        if receipt.row_id is None and on_receipt is not None:  # refused or a repeat
            on_receipt(receipt)
        key = "message" if receipt.status == notifications.HTTP_OK else "error"
        later = BackgroundTask(run_in_threadpool, drain) if receipt.row_id else None
        return JSONResponse({key: receipt.message}, status_code=receipt.status,
                            background=later)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any):  # noqa: ANN202 - what a previous run left unapplied
        await run_in_threadpool(drain)
        yield

    return Starlette(routes=[Route("/{path:path}", endpoint, methods=["POST"])],
                     lifespan=lifespan)


def _printer(as_json: bool) -> Callable[[notifications.Receipt], None]:
    def show(receipt: notifications.Receipt) -> None:
        if as_json:
            print(json.dumps({"status": receipt.status, "token": receipt.token,
                              "notification_type": receipt.notification_type,
                              "duplicate": receipt.duplicate, "message": receipt.message}),
                  flush=True)
        else:
            print(f"{receipt.status} {receipt.token or '-'} "
                  f"{receipt.notification_type or '-'}: {receipt.message}", flush=True)

    return show


def _listen(args: Namespace, ctx: Any) -> int:
    import uvicorn

    # Refuse first: only an admin who may change tokens runs the receiver.
    authorize(ctx, Permission.TOKENS_UPDATE)
    from vpp_tui.cli.output import BadInput, CommandFailed

    if not 0 < args.port < 65536:
        raise BadInput(_("--port must be between 1 and 65535"))
    if not args.host.strip():
        raise BadInput(_("--host is empty; give the address to listen on, e.g. 127.0.0.1"))
    try:  # bind first: a busy port or an unknown host is one line, not a server's log
        sock = socket.create_server((args.host, args.port), reuse_port=False)
    except OSError as exc:
        raise CommandFailed(_("cannot listen on {host}:{port}: {why}; choose another --port "
                              "or --host").format(host=args.host, port=args.port,
                                                  why=exc.strerror or exc)) from exc
    print(_("listening for Apple's notifications on http://{host}:{port}/ (put your HTTPS "
            "reverse proxy in front; see README)").format(host=args.host, port=args.port),
          file=sys.stderr, flush=True)
    config = uvicorn.Config(create_app(ctx, _printer(args.json)), log_level="info",
                            access_log=False)
    with sock:
        uvicorn.Server(config).run(sockets=[sock])
    return EXIT_OK


def run_listen(args: Namespace) -> int:
    return guarded(_listen, args)


COMMANDS = {"listen": run_listen}
