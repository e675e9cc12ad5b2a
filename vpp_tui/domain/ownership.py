"""Who holds a location, and what may be written to Apple for it.

Rule (design.md "The ledger"; apple-api.md §7.1 step 3 and §7.3): once an answer from Apple
shows another MDM's `mdmInfo.id`, nothing more is written to Apple for that location until
an admin takes control. Tokens of one location (duplicates) share its owner. The wire check
(ids compared, never names) is `apple.requester`. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from vpp_tui.domain.tokens import ActionHints
from vpp_tui.i18n import _


def location_owner(marks: Iterable[str | None]) -> str | None:
    """The other MDM holding a location, from its tokens' marks (`external_mdm_name`);
    the first one set wins. None when no token of the location is marked."""
    return next((mark for mark in marks if mark), None)


def write_refusal(token: str, owner: str, *, stopped: bool = False,
                  hints: ActionHints | None = None) -> str:
    """The one line an admin reads when a write to Apple is refused for `token`.

    `stopped`: the work had started and the rest was not sent; otherwise nothing was sent.
    Names the owner and how to take control: with `hints` (the front end's own actions,
    `domain.tokens.ActionHints`) in its terms only; without, both the CLI command and the
    console key.
    """
    if stopped:
        what = _("{owner} took over the location of {token}; the rest was not sent to "
                 "Apple").format(owner=owner, token=token)
    else:
        what = _("{owner} manages the location of {token}; nothing was sent to "
                 "Apple").format(owner=owner, token=token)
    if hints is not None:
        return what + " — " + _("if {owner} no longer manages it: {take_control}").format(
            owner=owner, take_control=hints.for_token(token).take_control)
    return what + " — " + _(
        "if {owner} no longer manages it, take control: vpp-tui token take-control "
        "{token} (or c in the console's Tokens view)").format(owner=owner, token=token)
