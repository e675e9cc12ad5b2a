"""Serving the waitlist when licenses are freed or bought."""

from __future__ import annotations

from collections.abc import Sequence

from vpp_tui.domain.licensing.results import WaitlistEntry


def admit_waitlist(
    waitlist: Sequence[WaitlistEntry], available: int
) -> tuple[tuple[WaitlistEntry, ...], tuple[WaitlistEntry, ...]]:
    """(admitted, still waiting): strictly in order, as the plan handed licenses out.

    The first entry the licenses cannot cover stops the admission, so nobody overtakes
    a member that has waited longer.
    """
    left = available
    for index, entry in enumerate(waitlist):
        if entry.licenses > left:
            return tuple(waitlist[:index]), tuple(waitlist[index:])
        left -= entry.licenses
    return tuple(waitlist), ()
