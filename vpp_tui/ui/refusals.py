"""The console audits the refusals it shows, as the CLI does (`services.refusals`).

Every place that shows a refused input calls `shown_refusal` before showing it; a job's
refusal is audited by the job runner on the job's own thread (`JobSpec.refusal`). The
audit write never runs on the UI thread: from there it goes to a thread worker of the app.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.refusals import audit_refusal

if TYPE_CHECKING:
    from vpp_tui.services.context import ServiceContext
    from vpp_tui.ui.jobs import JobSpec


def refusal_of(error: BaseException | None) -> BaseException | None:
    """The refused input in `error`: an InvalidInput, or the one it was raised from (a
    JobRefused); None for any other failure (Apple refusing, a denial: audited elsewhere)."""
    if isinstance(error, InvalidInput):
        return error
    if error is not None and isinstance(error.__cause__, InvalidInput):
        return error.__cause__
    return None


def shown_refusal(node: Any, action: str, target: str, error: BaseException) -> None:
    """Audit `error` refusing the admin's `action` on `target` (result "refused", English
    detail; not again when the service audited it), as the console shows it. `node` is any
    widget or screen: on the UI thread the write goes to a thread worker of its app, from a
    worker thread it is written at once. A write that fails is not the admin's concern
    here: the error shown stays the refusal."""
    app = node.app
    ctx = app.ctx

    def write() -> None:
        try:
            audit_refusal(ctx, action, target, error)
        except Exception:  # noqa: BLE001 - the refusal is shown all the same
            pass

    if threading.current_thread() is threading.main_thread():
        app.run_worker(write, thread=True, group="refusal-audit", exit_on_error=False)
    else:
        write()


def audit_job_refusal(ctx: ServiceContext, spec: JobSpec, error: BaseException) -> None:
    """On a job's (or its plan's) thread: audit the refused input in `error`, if any, as
    `spec.refusal` names it (default: the job's kind and the part of its key after ":", a
    token's name); nothing for any other failure. A write that fails leaves the refusal
    shown all the same."""
    refused = refusal_of(error)
    if refused is None:
        return
    action, target = spec.refusal or (spec.kind, spec.key.partition(":")[2])
    try:
        audit_refusal(ctx, action, target, refused)
    except Exception:  # noqa: BLE001 - the refusal is shown all the same
        pass
