"""The console's rules at an enterprise's size (issue 13), shown on the demo: one token list
shared by every section, a stale load never paints over a newer one, the first paint waits
for nothing slow, and the footer is not rebuilt when its keys did not change."""

from __future__ import annotations

import threading

from tests.ui.conftest import SIZE, settle, table_keys
from vpp_tui.services import status
from vpp_tui.ui.messages import TokensLoaded
from vpp_tui.ui.sections.catalog.messages import PageLoaded
from vpp_tui.ui.widgets.footer import SectionFooter


async def test_the_token_list_is_read_once_and_shared_by_every_section(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("2", "3", "1", "slash", *"music", "escape", "2"):
            await pilot.press(key)
            await settle(pilot)
        assert app.token_list.reads == 1
        assert app.screen.token_names  # Apps chose its tokens from the shared list


async def test_a_store_change_to_tokens_reads_the_shared_list_again(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.store_changed("token.edit")
        await settle(pilot)
        assert app.token_list.reads == 2
        app.store_changed("audit")  # no token changed: the list is kept
        await settle(pilot)
        assert app.token_list.reads == 2


async def test_a_stale_filter_result_never_paints_over_a_newer_one(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        section = app.screen
        section.filter_text = "music"
        section.load()
        await settle(pilot)
        shown = table_keys(app)
        assert shown == ["Music A", "Music B"]
        # The answer of an older load (every token) arrives after the newer one's.
        everything = app.token_list.views()
        section.post_message(TokensLoaded(section._load_seq - 1, everything, len(everything),
                                          0, None))
        await settle(pilot)
        assert table_keys(app) == shown


async def test_a_stale_page_never_paints_over_a_newer_one_in_apps(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        section = app.screen
        await pilot.press("slash", *"zzz-nothing")
        await settle(pilot)
        assert section.views == []
        section.post_message(PageLoaded(section._seq - 1, ["stale"], 0, 1))
        await settle(pilot)
        assert section.views == []


async def test_the_first_token_rows_do_not_wait_for_the_header_notices(demo_app, monkeypatch):
    # The notices (expiry, low licenses) read more of the store than the token list: the
    # token rows paint first, whatever the notices take.
    release = threading.Event()
    real = status.glance  # the app imports it when it first reads the notices

    def slow_glance(ctx):  # noqa: ANN001, ANN202
        release.wait(30)
        return real(ctx)

    monkeypatch.setattr(status, "glance", slow_glance)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        try:
            for _ in range(400):
                if table_keys(app):
                    break
                await pilot.pause(0.01)
            assert table_keys(app) and app.glance is None
            assert not app.jobs  # no sync started: the scheduler's first check comes later
        finally:
            release.set()
        await settle(pilot)
        assert app.glance is not None


async def test_footer_rebuilt_at_every_bindings_refresh(demo_app):
    # Issue 13: Textual's footer rebuilds all its keys at every bindings refresh, which a
    # section asks for at each highlighted row and page; most of a page or a filter at
    # scale. Unchanged keys are not rebuilt now.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(SectionFooter)
        before = footer.recomposed
        keys = list(footer.query("FooterKey"))
        for _ in range(5):
            app.screen.refresh_bindings()
            await pilot.pause()
        await settle(pilot)
        assert footer.recomposed == before
        assert list(footer.query("FooterKey")) == keys
