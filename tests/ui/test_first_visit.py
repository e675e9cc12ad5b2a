"""A section's first visit at an enterprise's size (issue 13: 230-530 ms at 3,000 tokens,
21k apps and 50k users; target 150 ms): the work it does is counted here, never timed."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey

from tests.ui.conftest import SIZE, settle
from vpp_tui.ui.sections import activity, directory
from vpp_tui.ui.widgets.footer import SectionFooter


async def test_a_first_visit_to_directory_read_all_three_tabs(demo_app, monkeypatch):
    # Fault: Directory read users, devices and groups (a query, a count and a table fill
    # each) before showing the users tab; the other tabs are read when first shown.
    read: list[str] = []
    for tab, real in dict(directory.LISTS).items():
        monkeypatch.setitem(directory.LISTS, tab, lambda ctx, _t=tab, _r=real, **kw: (
            read.append(_t), _r(ctx, **kw))[1])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert read == ["users"]
        app.screen.query_one(TabbedContent).active = "tab-devices"
        await settle(pilot)
        assert read == ["users", "devices"]
        assert app.screen.query_one("#directory-devices").row_count > 0
        read.clear()
        app.screen.reload()  # a store change: the tabs read so far, none other
        await settle(pilot)
        assert sorted(read) == ["devices", "users"]


def test_a_first_visit_to_directory_imported_the_apple_client():
    # Fault: the section imported its details screen, which brings the Apple client (httpx)
    # -- a third of the first visit; it is imported when a row is first opened (a fresh
    # interpreter: this session has imported everything already).
    code = ("import sys, vpp_tui.ui.sections.directory; "
            "print(sorted(n for n in ('vpp_tui.ui.screens.directory', 'vpp_tui.apple.client')"
            " if n in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"


async def test_a_directory_row_opens_its_details(demo_app):
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "DirectoryDetailsScreen"


async def test_leaving_a_section_rebuilt_its_footer(demo_app):
    # Fault: a section left for another (a mode switch) refreshed its bindings, and its
    # footer, no longer on screen, rebuilt every key: on every switch, there and back.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        footer = app.screen.query_one(SectionFooter)
        keys, before = list(footer.query(FooterKey)), footer.recomposed
        for key in ("1", "2", "3", "2"):
            await pilot.press(key)
            await settle(pilot)
        assert footer.recomposed == before
        assert list(footer.query(FooterKey)) == keys


async def test_a_first_visit_rebuilt_the_footer_when_its_first_rows_enabled_keys(demo_app):
    # Fault: the footer was built empty, rebuilt with the row keys greyed, rebuilt again
    # for its first size and once more when the first rows enabled them: four builds of
    # every key. Now it is built once, as it is composed; the first rows light the keys in
    # place.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        footer = app.screen.query_one(SectionFooter)
        assert footer.recomposed == 0
        assign = next(k for k in footer.query(FooterKey) if k.action == "assign")
        assert not assign.has_class("-disabled")


async def test_a_first_visit_with_a_next_page_rebuilt_the_footer(demo_app, monkeypatch):
    # Fault: the footer was composed empty and rebuilt after the first frame, and rebuilt
    # again when the first page showed the "next page" key (a key shown only when there is
    # another page): two builds of every key and two layouts. Now it is composed with its
    # keys and the page key is shown in place.
    monkeypatch.setattr(activity, "PAGE_SIZE", 2)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        footer = app.screen.query_one(SectionFooter)
        keys = {k.action: k for k in footer.query(FooterKey)}
        assert app.screen.row_total > 2
        assert keys["page(1)"].display and not keys["page(-1)"].display
        assert footer.recomposed == 0
        await pilot.press("n")
        await settle(pilot)
        assert keys["page(-1)"].display and footer.recomposed == 0
        assert list(footer.query(FooterKey)) == list(keys.values())
