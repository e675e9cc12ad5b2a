"""A section switch, a page and a filter at an enterprise's size (issue 13): the work each
does is counted here (statements, parses, restyles, measured rows), never timed."""

from __future__ import annotations

import gc
from collections import Counter

from textual.widgets import DataTable

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import catalog


async def test_a_section_switch_reparsed_every_css_source(demo_app):
    # Fault: Textual marks a new screen stale, so a first visit re-parsed every CSS source
    # twice and the first return once more (40 % of a switch at 3,000 tokens).
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        reparsed = []
        real = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: (reparsed.append(app.current_mode), real())[1]
        for key in ("2", "1", "2", "6", "1"):
            await pilot.press(key)
            await settle(pilot)
        assert reparsed == []


async def test_a_return_to_a_section_restyled_and_rendered_its_whole_table(demo_app):
    # Fault: Textual restyles every widget of a resumed screen, and a restyled table drops
    # every line it rendered: each return re-rendered the visible rows.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        restyled = []
        real = table.notify_style_update
        table.notify_style_update = lambda: (restyled.append(1), real())[1]
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert restyled == []


async def test_the_table_measured_every_row_of_a_page_again(demo_app, monkeypatch):
    # Fault: the console fixes every column's width, yet the table still rendered each cell
    # of each new page on its next idle to measure it.
    measured: list[int] = []
    real = DataTable._update_dimensions

    def counting(self, new_rows):  # noqa: ANN001, ANN202
        measured.append(len(new_rows))
        return real(self, new_rows)

    monkeypatch.setattr(DataTable, "_update_dimensions", counting)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count > 0
        assert measured and set(measured) == {0}


async def test_a_filter_typed_fast_runs_one_query_in_apps(demo_app, monkeypatch):
    queried: list[str | None] = []
    real = catalog.list_assets

    def counting(ctx, **kwargs):  # noqa: ANN001, ANN003, ANN202
        queried.append(kwargs.get("text"))
        return real(ctx, **kwargs)

    monkeypatch.setattr(catalog, "list_assets", counting)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        section = app.screen
        queried.clear()
        for typed in ("m", "mu", "mus", "music"):  # four keys within the typing pause
            section.filter_text = typed
            section.typed()
            section.load(0)
        await settle(pilot)
        assert queried == ["music"]
        assert all("music" in v.name.lower() or "music" in v.token.lower()
                   for v in section.views)


async def test_the_console_keeps_long_lived_objects_out_of_full_collections(demo_app):
    # What start-up built and each section's first rows are frozen (ui.heap); the console
    # that owns its process gives everything back when it closes.
    app = demo_app(keep_heap=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            after_tokens = app.heap.freezes
            await pilot.press("2")
            await settle(pilot)
            assert after_tokens >= 2  # start-up, then the Tokens rows
            assert app.heap.freezes == after_tokens + 1
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


async def test_a_console_that_does_not_own_its_process_leaves_the_collector_alone(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        assert app.heap.freezes == 0


async def test_each_footer_key_was_restyled_twice_as_it_mounted(make_app, monkeypatch):
    # Fault: a footer key starts compact (Textual's default) and its data binding then sets
    # the footer's value, so every key was restyled twice each time a footer recomposed
    # (most of the restyles before the console's first token row, issue 13).
    from textual.widgets._footer import FooterKey

    restyled: list[str] = []
    real = FooterKey.update_node_styles

    def counting(self, animate: bool = True) -> None:  # noqa: ANN001
        restyled.append(self.action)
        real(self, animate)

    monkeypatch.setattr(FooterKey, "update_node_styles", counting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query(FooterKey)  # the keys are there, styled as they mounted
        # Only keys the admin's access enables once it has loaded (after the first rows)
        # are restyled, once each, as they are lit in place.
        assert all(n == 1 for n in Counter(restyled).values()), restyled
