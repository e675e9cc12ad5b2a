"""Fault (breaker3): the token settings form (Tokens, e) said nothing visible when a bad
notification URL (or country) was saved at 100x30 or 100x32: the form was a plain Vertical
taller than the dialog, and `#form-error`, its last line, was clipped below the border.
Now the dialog scrolls and the error is scrolled into view.
The admin pressed enter and nothing seemed to happen (120x34, 120x40 and 80x24 showed it).

Reproduce: tmux new -d -x 100 -y 32 'vpp-tui'; e; Tab ×4; type ftp://x; enter ->
no message (at 120x34 the same keys show "the notification URL must start with
https:// …").
"""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.ui.conftest import demo, demo_app, settle  # noqa: F401


async def test_settings_form_error_is_visible_at_100x30(demo_app) -> None:  # noqa: F811
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        notify = app.screen.query_one("#edit-notify", Input)
        notify.value = "ftp://x"
        notify.focus()
        await pilot.press("enter")
        await settle(pilot)
        error = app.screen.query_one("#form-error", Static)
        assert "https://" in str(error.render())  # the message was set...
        dialog = error.parent
        for _frame in range(10):  # the scroll comes after the refresh that sizes the error
            if dialog.content_region.contains_region(error.region):
                break
            await pilot.pause()
        assert dialog.content_region.contains_region(error.region), (
            error.region, dialog.content_region)  # ... and can be seen
