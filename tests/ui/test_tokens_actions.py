"""Tokens section actions, each through its key, against the in-process simulator."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.ui.conftest import SIZE, select_token, settle, table_keys, token_file
from vpp_tui.services import audit, tokens
from vpp_tui.ui.messages import JobProgressed
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.screens.tokens.forms import EditSettingsScreen, RenewScreen


def toasts(app) -> list[str]:  # noqa: ANN001
    return [str(n.message) for n in app._notifications]


def last_actions(ctx, n: int = 5) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(e.action, e.target, e.result) for e in audit.list_entries(ctx, limit=n)]


async def test_s_syncs_the_selected_token_with_progress_and_a_toast(demo, demo_app):
    ctx, _sim = demo
    progress: list[JobProgressed] = []
    app = demo_app()
    hook = lambda m: progress.append(m) if isinstance(m, JobProgressed) else None  # noqa: E731
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await pilot.press("s")
        await settle(pilot)
        assert any("North Campus synced" in t for t in toasts(app))
        assert progress and {m.key for m in progress} == {"sync"}
        assert any(m.stage == "assets" for m in progress)
        assert not app.screen.query_one("#job-progress").display
        assert last_actions(ctx, 1) == [("token.sync", "North Campus", "ok")]


async def test_shift_s_syncs_every_token_and_reports_the_skipped_ones(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        text = " ".join(toasts(app))
        assert "2 tokens synced" in text
        assert "Old Annex" in text  # skipped, with its reason
        synced = {e.target for e in audit.list_entries(ctx, limit=10)
                  if e.action == "token.sync" and e.at == ctx.clock.now()}
        assert synced <= {"North Campus", "South Campus"}


async def test_a_failed_sync_opens_a_readable_error(demo, demo_app):
    _ctx, simulator = demo
    simulator.revoke_token("North Campus")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        text = str(app.screen.query_one("#error-text", Static).render())
        assert "North Campus" in text and "9625" in text
        await pilot.press("escape")
        await settle(pilot)
        assert table_keys(app)[0:2] == ["Old Annex", "Library"]


async def test_renew_with_the_same_locations_file_keeps_the_token(demo, demo_app, tmp_path):
    ctx, simulator = demo
    path = token_file(simulator, "South Campus", tmp_path)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "South Campus")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RenewScreen)
        await pilot.press(*path)
        await settle(pilot)
        assert "Contoso Schools" in str(app.screen.query_one(".file-note").render())
        await pilot.press("enter")
        await settle(pilot)
        assert any("South Campus renewed" in t for t in toasts(app))
        assert last_actions(ctx, 1) == [("token.renew", "South Campus", "ok")]


async def test_renew_with_another_locations_file_is_refused_with_the_reason(demo, demo_app,
                                                                            tmp_path):
    ctx, simulator = demo
    path = token_file(simulator, "North Campus", tmp_path)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "South Campus")
        await pilot.press("r", *path)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "Renewal refused" in app.screen.query_one("#error-box").border_title
    assert tokens.get_token(ctx, "South Campus").token.location_name == "South Campus"


async def test_renew_shows_a_broken_file_under_the_field_and_changes_nothing(demo_app,
                                                                             tmp_path):
    (tmp_path / "junk.vpptoken").write_text("not base64 at all", encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", *"~/junk.vpptoken")
        await settle(pilot)
        note = str(app.screen.query_one(".file-note").render())
        assert note.startswith("✗")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RenewScreen)


async def test_renew_refused_broken_file_is_logged_and_shown_in_activity(demo, demo_app,
                                                                         tmp_path):
    ctx, _sim = demo
    (tmp_path / "junk.vpptoken").write_text("not base64 at all", encoding="utf-8")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")  # Activity is open: it must show the refusal by itself
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await select_token(pilot, "South Campus")
        await pilot.press("r", *"~/junk.vpptoken")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RenewScreen)  # the form stays, its note says why
        assert last_actions(ctx, 1) == [("token.renew", "South Campus", "refused")]
        await pilot.press("escape", "7")
        await settle(pilot)
        assert app.screen.entries[0].action == "token.renew"
        assert app.screen.entries[0].result == "refused"


async def test_e_edits_country_and_auto_update(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditSettingsScreen)
        await pilot.press("backspace", "backspace", "f", "r", "enter")
        await settle(pilot)
        view = tokens.get_token(ctx, "North Campus").token
        assert view.country == "FR"
        table = app.screen.query_one("#tokens-table", DataTable)
        assert str(table.get_cell("North Campus", "country")) == "FR"


async def test_c_asks_naming_the_other_mdm_then_takes_control(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "Science Dept")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Jamf Pro" in app.screen.query_one("#confirm-box").border_title
        await pilot.press("y")
        await settle(pilot)
        assert tokens.get_token(ctx, "Science Dept").token.external_mdm_name is None
        assert any("Science Dept" in t for t in toasts(app))


async def test_c_does_nothing_on_a_token_no_other_mdm_holds(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)


async def test_delete_lists_what_goes_and_what_stays_and_n_keeps_the_token(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "Music B")
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body").render())
        assert "Not deleted:" in body and "licenses stay with Apple" in body
        await pilot.press("n")
        await settle(pilot)
        assert "Music B" in table_keys(app)


async def test_delete_confirmed_removes_the_duplicate_and_syncing_resumes(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "Music B")
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "Music B" not in table_keys(app)
        assert tokens.get_token(ctx, "Music A").token.can_sync
        assert last_actions(ctx, 1) == [("token.delete", "Music B", "ok")]


async def test_an_open_console_syncs_tokens_whose_interval_has_passed(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.scheduled_sync()
        await settle(pilot)
        assert not any(e.action == "token.sync" and e.at == ctx.clock.now()
                       for e in audit.list_entries(ctx, limit=20))  # nothing due yet
        ctx.clock.advance(13 * 3600)
        started = ctx.clock.now()
        app.screen.scheduled_sync()
        await settle(pilot)
        synced = {e.target for e in audit.list_entries(ctx, limit=20)
                  if e.action == "token.sync" and e.result == "ok" and e.at >= started}
        assert {"North Campus", "South Campus"} <= synced
        assert any("Scheduled sync: 2 synced" in t for t in toasts(app))
        assert not app.screen_stack[-1].query(ErrorScreen)


async def test_shift_d_revokes_every_license_then_deletes(demo, demo_app):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        body = str(app.screen.query_one("#confirm-body").render())
        assert "Apple revokes" in body and "held by" in body and "nothing is deleted" in body
        await pilot.press("y")
        await settle(pilot)
        assert "North Campus" not in table_keys(app)
        actions = [a for a, _t, _r in last_actions(ctx, 10)]
        assert "license.revoke_all" in actions and "token.delete" in actions


NOTIFY_URL = "https://mdm.example.com/vpp/notify"


def _apple_accepts_notifications(simulator) -> None:  # noqa: ANN001
    """Apple's test notification reaches `listen` (in-process, no socket)."""
    from vpp_tui.simulator.notify import Notifier

    simulator.notifier = Notifier(post=lambda *_a: 200, delays=())


async def _settings_form(pilot, url: str | None) -> EditSettingsScreen:  # noqa: ANN001
    """The token form of North Campus open, its notification URL field set to `url`
    (None: left as the form shows it)."""
    from textual.widgets import Input

    await settle(pilot)
    await select_token(pilot, "North Campus")
    await pilot.press("e")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, EditSettingsScreen)
    field = form.query_one("#edit-notify", Input)
    field.focus()
    if url is not None:
        field.value = url
    await pilot.pause()
    return form


async def test_token_form_sets_the_notification_url(demo, demo_app):
    """Fault: the token settings form had no notification URL (only the CLI set it)."""
    ctx, simulator = demo
    _apple_accepts_notifications(simulator)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await _settings_form(pilot, NOTIFY_URL)
        await pilot.press("enter")
        await settle(pilot)
        assert tokens.get_token(ctx, "North Campus").token.notification_url == NOTIFY_URL
        assert simulator.location("North Campus").notification_url == NOTIFY_URL
        assert ("token.notifications", "North Campus", "ok") in last_actions(ctx)


async def test_token_form_shows_and_clears_the_notification_url(demo, demo_app):
    """Fault: the form could neither show nor clear the URL; emptied, Apple stops sending."""
    from vpp_tui.services import notifications

    ctx, simulator = demo
    _apple_accepts_notifications(simulator)
    notifications.register(ctx, "North Campus", NOTIFY_URL)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await _settings_form(pilot, None)
        from textual.widgets import Input

        field = form.query_one("#edit-notify", Input)
        assert field.value == NOTIFY_URL
        field.value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert tokens.get_token(ctx, "North Campus").token.notification_url is None
        assert simulator.location("North Campus").notification_types == []


async def test_token_form_refuses_a_bad_notification_url_and_changes_nothing(demo, demo_app):
    """Fault: no check in the form; now the CLI's rule, one line, the form stays open."""
    ctx, simulator = demo
    _apple_accepts_notifications(simulator)
    before = last_actions(ctx, 10)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        form = await _settings_form(pilot, "http://mdm.example.com/notify")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#form-error", Static).render())
        assert "https://" in error and "\n" not in error.strip()
        assert tokens.get_token(ctx, "North Campus").token.notification_url is None
        # Nothing changed; the refusal is audited, as `token set` audits it.
        assert last_actions(ctx, 11) == [
            ("token.notifications", "North Campus", "refused"), *before]
