"""What counts as done: sync statuses, and which outcomes leave asked-for work undone.

One rule behind the command line's exit status (README "Exit status", cli.md
"Conventions": 0 done, 1 failed or only partly done, 2 bad usage) and the console's
warnings, so "did it work?" has one answer everywhere. Pure: no I/O.
"""

from __future__ import annotations

from datetime import datetime

# `last_sync_status` of a token and `status` of a sync run (README's JSON contract).
NONE = "none"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
FAILED = "failed"
# Stopped before it finished (the console closed, Ctrl-C, a crashed process): nothing was
# applied, Apple was not at fault, and the next sync simply runs.
INTERRUPTED = "interrupted"

# A sync result that did not run: `status` "skipped" with one of these `skip_reason`s.
SKIPPED = "skipped"
SKIP_NEEDS_ATTENTION = "needs_attention"  # the token cannot sync (expired, invalid, …)
SKIP_BUSY = "busy"  # another console or process holds the token's sync lease right now


def shown_sync_status(status: str, lease_expires_at: datetime | None, now: datetime) -> str:
    """The sync status to show: `in_progress` only while a sync lease is live.

    A run whose owner crashed (its lease expired or was released without a result) is
    `interrupted`, never "in progress" forever (issue 9 item 11). `lease_expires_at` is
    the token's lease expiry (None when no lease is held); times are aware UTC.
    """
    if status == IN_PROGRESS and (lease_expires_at is None or lease_expires_at <= now):
        return INTERRUPTED
    return status


def sync_left_undone(status: str, skip_reason: str | None = None) -> bool:
    """True when a token's sync result means the sync asked for was not done.

    Completed is done. A token skipped because another process is syncing it right now
    counts as done (its sync is happening; that process reports it). Failed, interrupted,
    and skipped because the token needs attention (expired, invalid, held by another MDM,
    a paused duplicate) are not done: a cron job must hear about them. Tokens skipped as
    not due never appear in results. Source: issue 8 fault 12; cli.md "Conventions".
    """
    if status == COMPLETED:
        return False
    return not (status == SKIPPED and skip_reason == SKIP_BUSY)


def member_left_undone(outcome: str) -> bool:
    """True when a member of an assign/unassign/revoke did not get what was asked.

    `failed` covers Apple's refusals and members waiting for a license (waitlisted:
    "licenses short"); `skipped` members are those the rules exclude (inactive user, no
    device), which is the asked-for result. Source: issue 8 fault 12; cli.md "Conventions".
    """
    return outcome == "failed"
