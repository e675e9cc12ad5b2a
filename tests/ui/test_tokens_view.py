"""Tokens section: urgency order, attention filter, text filter, advice panel, details."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.ui.conftest import SIZE, select_token, settle, table_keys
from vpp_tui.services.tokens import bearer_of
from vpp_tui.ui.screens.tokens.details import TokenDetailsScreen

URGENCY_ORDER = ["Old Annex", "Library", "Science Dept", "Music A", "Music B", "South Campus",
                 "North Campus"]


async def test_tokens_are_listed_most_urgent_first(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert table_keys(app) == URGENCY_ORDER
        count = str(app.screen.query_one("#tokens-count").render())
        assert "7" in count and "6 need attention" in count


async def test_n_shows_only_the_tokens_that_need_attention_and_back(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert table_keys(app) == URGENCY_ORDER[:-1]
        await pilot.press("n")
        await settle(pilot)
        assert table_keys(app) == URGENCY_ORDER


async def test_slash_filters_and_number_keys_type_into_the_filter(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"music", "2")
        await settle(pilot)
        assert app.current_mode == "tokens"
        assert table_keys(app) == []  # "music2" matches nothing
        await pilot.press("backspace")
        await settle(pilot)
        assert table_keys(app) == ["Music A", "Music B"]
        await pilot.press("escape")
        await settle(pilot)
        assert table_keys(app) == URGENCY_ORDER


async def test_panel_explains_the_selected_token_and_what_to_do(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#tokens-advice", Static)
        assert "renew (r)" in str(panel.render())
        await pilot.press("down", "down")
        await pilot.pause()
        text = str(panel.render())
        assert "Science Dept" in text and "Take control (c)" in text


async def test_enter_opens_details_with_sync_history_and_never_the_secret(demo_app, demo):
    ctx, _sim = demo
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "South Campus")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TokenDetailsScreen)
        fields = app.screen.query_one("#details-fields", DataTable)
        values = {str(fields.get_row_at(i)[0]): str(fields.get_row_at(i)[1])
                  for i in range(fields.row_count)}
        assert values["Name"] == "South Campus"
        history = app.screen.query_one("#details-history", DataTable)
        assert str(history.get_row_at(0)[3]) == "completed"
        bearer = bearer_of(ctx, "South Campus")
        assert all(bearer not in v and bearer[:16] not in v for v in values.values())
        assert bearer[:16] not in app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TokenDetailsScreen)


async def test_every_section_header_names_the_organisation_once_tokens_are_read(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        assert "Contoso Schools" in str(app.screen.query_one("#header-who", Static).render())


async def test_filter_typing_runs_one_query_once_typing_pauses(demo_app):
    # Issue 13: a query per key press; now loads started while typing wait for a pause
    # and the superseded ones never query (three loads at once: one query's statements).
    from sqlalchemy import event

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        section = app.screen
        seen: list[str] = []

        def statement(_conn, _cursor, sql, *_rest) -> None:  # noqa: ANN001
            seen.append(sql)

        engine = app.ctx.store.engine
        event.listen(engine, "before_cursor_execute", statement)
        try:
            app.token_list.forget()  # the shared list is read again: its statements count
            # (the same filter both times: a page's statements depend on its rows)
            section.filter_text = "north"
            section.typed()
            section.load()
            await settle(pilot)
            one_load = len(seen)
            seen.clear()
            app.token_list.forget()
            section.filter_text = "north"
            section.typed()
            for _ in range(3):
                section.load()
            await settle(pilot)
        finally:
            event.remove(engine, "before_cursor_execute", statement)
        assert one_load and len(seen) == one_load
        assert table_keys(app) == ["North Campus"]


async def test_token_details_show_the_notification_url_and_last_notifications(demo_app, demo):
    """Fault: the console showed neither a token's notification URL nor the notifications
    received (only `token show` and the audit did)."""
    from sqlmodel import select

    from vpp_tui.store import models as m

    ctx, _sim = demo
    with ctx.store.session() as session:
        token = session.exec(select(m.Token).where(m.Token.name == "South Campus")).one()
        token.notification_url = "https://mdm.example.com/vpp/notify"
        session.add(token)
        session.add(m.Notification(token_id=token.id, notification_id="n-1",
                                   notification_type="ASSET_COUNT", body={},
                                   outcome="3 licenses bought", applied_at=ctx.clock.now()))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_token(pilot, "South Campus")
        await pilot.press("enter")
        await settle(pilot)
        fields = app.screen.query_one("#details-fields", DataTable)
        values = {str(fields.get_row_at(i)[0]): str(fields.get_row_at(i)[1])
                  for i in range(fields.row_count)}
        assert values["Notification URL"] == "https://mdm.example.com/vpp/notify"
        seen = app.screen.query_one("#details-notifications", DataTable)
        assert [str(c) for c in seen.get_row_at(0)[1:]] == ["ASSET_COUNT", "3 licenses bought"]


async def test_section_footer_at_80_columns_ran_under_the_palette_key(demo_app):
    """Fault: at 80x24 the Tokens footer's keys ran on under the palette key (the screen
    showed "^p palettep", quit and help hidden). Keys that do not fit are left out, greyed
    ones first; quit and help stay."""
    from tests.ui.conftest import shown_footer_keys
    from vpp_tui.ui.widgets.footer import SectionFooter

    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(SectionFooter)
        assert {"app.quit", "app.help"} <= shown_footer_keys(footer)
        assert footer.left_out  # something had to go at this width
