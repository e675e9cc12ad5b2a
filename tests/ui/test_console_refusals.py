"""Fault (consolerefusals): the console showed a refused input and audited nothing, where
the CLI writes one "refused" entry for the same input (design: "Refuse first, then log").
Now every form and job of the console audits its refusals with the CLI's rule
(`services.refusals`): one entry, the action the change audits, detail in English whatever
the console's language, and not again when the service audited it itself.

Reproduce (before): `vpp-tui --lang fr`, Tokens, e, notification URL ftp://x, enter: the
form says why; `vpp-tui audit` shows no `token.notifications refused` entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from textual.widgets import DataTable, Input, Static

from tests.ui.conftest import SIZE, select_token, settle, token_file
from tests.ui.demo_world import demo_context
from vpp_tui.i18n import set_language
from vpp_tui.services import audit, directory, settings, tokens
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.screens.error import ErrorScreen
from vpp_tui.ui.screens.setting_form import SettingForm
from vpp_tui.ui.screens.tokens.forms import EditSettingsScreen


@pytest.fixture
def world(tmp_path, store_backend, request) -> Iterator[tuple]:  # noqa: ANN001
    """(ctx, simulator) of the demo world on each database, the console in French."""
    url = None
    if store_backend == "postgresql":
        from tests.conftest import _pg

        url = _pg(request).migrated_database()
    ctx, simulator = demo_context(tmp_path, url=url)
    set_language("fr")  # the conftest puts English back after the test
    yield ctx, simulator
    ctx.store.close()


def refused(ctx) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(e.action, e.target, e.detail or "")
            for e in audit.list_entries(ctx, limit=100) if e.result == "refused"]


async def test_bad_notification_url_in_the_token_form_is_audited_once(world) -> None:
    ctx, _simulator = world
    app = VppApp(ctx, demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "North Campus")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EditSettingsScreen)
        field = form.query_one("#edit-notify", Input)
        field.value = "ftp://x"
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form  # the form stays, saying why
        shown = str(form.query_one("#form-error", Static).render())
    [(action, target, detail)] = refused(ctx)
    assert (action, target) == ("token.notifications", "North Campus")
    assert detail.startswith("the notification URL") and "https://" in detail, detail
    assert detail != shown  # shown in French, stored in English
    assert tokens.get_token(ctx, "North Campus").token.notification_url is None


async def test_setting_out_of_range_is_audited_once_in_english(world) -> None:
    ctx, _simulator = world
    app = VppApp(ctx, demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        keys = [str(r.value) for r in table.rows]
        table.move_cursor(row=keys.index("expiring_soon_days"))
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, SettingForm)
        app.screen.query_one("#setting-value", Input).value = "-5"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingForm)
    assert refused(ctx) == [(
        "setting.set", "expiring_soon_days",
        "expiring_soon_days cannot be '-5'; give a whole number from 1 to 365")]
    assert settings.get_setting(ctx, "expiring_soon_days") == 30


async def test_directory_import_of_a_bad_file_is_audited_once(world, tmp_path) -> None:
    ctx, _simulator = world
    bad = {"users": [{"upn": "x@contoso.edu", "name": "X", "active": "perhaps"},
                     {"name": "no upn"}]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    app = VppApp(ctx, demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(path)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
    assert refused(ctx) == [("directory.import", str(path),
                             "bad.json: 2 bad records, nothing was imported")]
    assert directory.counts(ctx).users == 600


async def test_a_refusal_the_service_audited_is_not_audited_again(world, tmp_path) -> None:
    """A renewal with another location's file: `tokens.gate.refuse` audits it; the job
    runner sees it `audited` and writes nothing more."""
    ctx, simulator = world
    path = token_file(simulator, "North Campus", tmp_path)
    app = VppApp(ctx, demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "South Campus")
        await pilot.press("r", *path)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
    assert [(a, t) for a, t, _d in refused(ctx)] == [("token.renew", "South Campus")]


async def test_access_change_refused_by_the_service_is_audited_once(world) -> None:
    """Access: deleting a scope tag in use is refused by the service (an InvalidInput it
    does not audit); the section audits it as `scope-tag delete` does."""
    from tests.ui.test_access_section import message, open_access, select
    from vpp_tui.services.access import admin

    ctx, _simulator = world
    admin.create_scope_tag(ctx, "north")
    admin.grant(ctx, "nina", "App manager", ["north"])
    app = VppApp(ctx, demo=True, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "tags")
        await select(pilot, "tags", "north")
        await pilot.press("delete")
        await settle(pilot)
        shown = message(app)
    [(action, target, detail)] = refused(ctx)
    assert (action, target) == ("scope_tag.delete", "north")
    assert detail.startswith("scope tag 'north' is on tokens or grants"), detail
    assert detail != shown  # shown in French
