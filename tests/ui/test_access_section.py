"""The Access section (key 8): each change goes form → review → save, refusals are one
line, and greying reads the AccessSnapshot, never the store."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import event
from textual.widgets import DataTable, Input, SelectionList, Static, TabbedContent

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import tokens
from vpp_tui.services.access import admin
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.sections.access.forms import GrantForm, RoleForm, TagForm
from vpp_tui.ui.widgets.choice import Choice
from vpp_tui.ui.widgets.choices import SpaceCheckbox


async def open_access(pilot, tab: str = "roles") -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("8")
    await settle(pilot)
    pilot.app.screen.query_one(TabbedContent).active = f"tab-{tab}"
    await settle(pilot)


async def select(pilot, tab: str, key: str) -> None:  # noqa: ANN001
    table = pilot.app.screen.query_one(f"#access-{tab}", DataTable)
    table.focus()
    keys = [str(r.value) for r in table.rows]
    table.move_cursor(row=keys.index(key), animate=False)
    await pilot.pause()


def review_text(app) -> str:  # noqa: ANN001
    assert isinstance(app.screen, ConfirmScreen)
    return str(app.screen.query_one("#confirm-body", Static).render())


def message(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#access-message", Static).render())


def tag_names(ctx) -> list[str]:  # noqa: ANN001
    return [t.name for t in admin.list_scope_tags(ctx)]


def grants(ctx) -> dict[str, list[tuple[str, bool, tuple[str, ...]]]]:  # noqa: ANN001
    return {a.admin: [(g.role, g.all_scopes, g.scope_tags) for g in a.grants]
            for a in admin.list_admins(ctx)}


async def test_create_custom_role_from_a_checklist_after_review(ctx, make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RoleForm)
        form.query_one("#role-name", Input).value = "Library staff"
        checklist = form.query_one(SelectionList)
        checklist.select("mobile_apps.read")
        checklist.select("mobile_apps.assign")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = review_text(app)
        assert "Library staff" in text and "Mobile apps (read, assign)" in text
        assert "Library staff" not in [r.name for r in admin.list_roles(ctx)]  # not yet
        await pilot.press("y")
        await settle(pilot)
        role = admin.get_role(ctx, "Library staff")
        assert role.permissions == ("mobile_apps.read", "mobile_apps.assign")
        keys = [str(r.value) for r in app.screen.query_one("#access-roles", DataTable).rows]
        assert "Library staff" in keys


async def test_delete_custom_role_after_review(ctx, make_app) -> None:
    admin.create_role(ctx, "Temp", ["audit.read"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot)
        await select(pilot, "roles", "Temp")
        await pilot.press("delete")
        await settle(pilot)
        assert "Temp" in review_text(app) and "Audit (read)" in review_text(app)
        await pilot.press("y")
        await settle(pilot)
    assert "Temp" not in [r.name for r in admin.list_roles(ctx)]


async def test_built_in_role_cannot_be_deleted_its_key_is_greyed(ctx, make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot)
        await select(pilot, "roles", "Administrator")
        assert app.screen.check_action("delete", ()) is None


async def test_grant_with_scope_tags_reviews_what_the_admin_will_reach(demo, demo_app) -> None:
    ctx, _sim = demo
    admin.create_scope_tag(ctx, "north")
    tokens.update_settings(ctx, "North Campus", scope_tags=["north"])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "admins")
        await pilot.press("g")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GrantForm)
        form.query_one("#grant-admin", Input).value = "nina"
        form.query_one("#grant-role", Choice).set_value("App manager")
        form.query_one("#grant-tags", SelectionList).select("north")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = review_text(app)
        assert "nina gets App manager on scope tags north." in text
        assert "nina will be able to do this on 1 token: Managed apps (read); Mobile apps " \
            "(read, assign, unassign, revoke, revoke holder)." in text
        await pilot.press("y")
        await settle(pilot)
        keys = [str(r.value) for r in app.screen.query_one("#access-admins", DataTable).rows]
        assert "nina\tApp manager" in keys
    assert grants(ctx)["nina"] == [("App manager", False, ("north",))]


async def test_grant_over_every_scope(ctx, make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot)
        await pilot.press("g")
        await settle(pilot)
        app.screen.query_one("#grant-admin", Input).value = "olga"
        app.screen.query_one("#grant-role", Choice).set_value("Read only")
        app.screen.query_one("#grant-all", SpaceCheckbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "olga gets Read only over every scope." in review_text(app)
        await pilot.press("y")
        await settle(pilot)
    assert grants(ctx)["olga"] == [("Read only", True, ())]


async def test_revoke_grant_after_review(ctx, make_app) -> None:
    admin.grant(ctx, "dan", "Help desk")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "admins")
        await select(pilot, "admins", "dan\tHelp desk")
        await pilot.press("r")
        await settle(pilot)
        text = review_text(app)
        assert "dan loses Help desk on scope tags default." in text
        assert "dan keeps: no role" in text
        await pilot.press("y")
        await settle(pilot)
    assert "dan" not in grants(ctx)


async def test_create_and_delete_scope_tag_after_review(ctx, make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "tags")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TagForm)
        app.screen.query_one("#tag-name", Input).value = "south"
        app.screen.query_one("#tag-description", Input).value = "South site"
        await pilot.press("enter")
        await settle(pilot)
        assert "A scope tag south (South site)" in review_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert tag_names(ctx) == ["default", "south"]
        await select(pilot, "tags", "south")
        await pilot.press("delete")
        await settle(pilot)
        assert "The scope tag south goes" in review_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert [str(r.value) for r in app.screen.query_one("#access-tags", DataTable).rows] \
            == ["default"]
    assert tag_names(ctx) == ["default"]


async def test_answering_no_to_the_review_changes_nothing(ctx, make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "tags")
        await pilot.press("t")
        await settle(pilot)
        app.screen.query_one("#tag-name", Input).value = "east"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
    assert tag_names(ctx) == ["default"]


async def test_a_tag_in_use_is_refused_with_one_line_before_any_review(ctx, make_app) -> None:
    admin.create_scope_tag(ctx, "north")
    admin.grant(ctx, "nina", "App manager", ["north"])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "tags")
        await select(pilot, "tags", "north")
        await pilot.press("delete")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        line = message(app)
        assert "scope tag 'north' is on tokens or grants" in line and "\n" not in line
    assert tag_names(ctx) == ["default", "north"]


async def test_read_only_admin_sees_access_with_every_change_greyed(ctx) -> None:
    admin.grant(ctx, "dan", "Read only")
    app = VppApp(replace(ctx, actor="dan"), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot)
        screen = app.screen
        assert len(screen.query_one("#access-roles", DataTable).rows) == 5
        for action in ("new_role", "grant", "new_tag", "delete", "revoke_grant"):
            assert screen.check_action(action, ()) is None, action
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen  # no form opened


async def test_a_save_refused_by_the_service_is_one_line_and_changes_nothing(ctx) -> None:
    """The console greys what the snapshot forbids; should a change still reach the
    service (grants changed meanwhile), the refusal is the one line under the tables."""
    admin.grant(ctx, "dan", "Read only")
    app = VppApp(replace(ctx, actor="dan"), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot, "tags")
        app.screen.action_new_tag()
        await settle(pilot)
        app.screen.query_one("#tag-name", Input).value = "west"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        line = message(app)
        assert "roles.manage" in line and "dan" in line and "\n" not in line
    assert tag_names(ctx) == ["default"]


async def test_admin_without_roles_read_is_told_so(ctx) -> None:
    admin.grant(ctx, "tom", "Token manager")
    app = VppApp(replace(ctx, actor="tom"), cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_access(pilot)
        assert "roles.read" in message(app)
        assert len(app.screen.query_one("#access-roles", DataTable).rows) == 0
        assert app.screen.check_action("new_role", ()) is None


async def test_a_grant_made_in_access_ungreys_other_sections(ctx) -> None:
    """AccessChanged reloads the snapshot: Tokens' add key follows dan's new grant."""
    admin.grant(ctx, "dan", "Read only")
    dan = replace(ctx, actor="dan")
    app = VppApp(dan, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tokens_screen = app.screen
        assert tokens_screen.check_action("add", ()) is None
        admin.grant(ctx, "dan", "Token manager", all_scopes=True)
        app.store_changed("access")
        await settle(pilot)
        assert tokens_screen.check_action("add", ()) is True


async def test_binding_checks_run_no_sql(demo, demo_app) -> None:
    """Fault: every binding check asked the store (services.access.check_action) several
    times; Textual checks every binding on every refresh."""
    ctx, _sim = demo
    app = demo_app()
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    async with app.run_test(size=SIZE) as pilot:
        for key in ("1", "2", "4", "8"):
            await pilot.press(key)
            await settle(pilot)
            screen = app.screen
            actions = [b.action for b in screen._bindings.key_to_bindings.values()
                       for b in b] if hasattr(screen, "_bindings") else []
            event.listen(ctx.store.engine, "before_cursor_execute", count)
            try:
                for action in [*actions, "add", "assign", "revoke", "delete", "grant"]:
                    screen.check_action(action.split("(")[0], ())
            finally:
                event.remove(ctx.store.engine, "before_cursor_execute", count)
            assert statements == [], (key, statements[:3])
