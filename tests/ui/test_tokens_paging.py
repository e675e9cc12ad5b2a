"""The Tokens table pages (issue 13): at 3,000 tokens it read and rendered every row before
the first one showed. Now the shared light list orders, filters and counts, and full rows
are read for the page on screen only; the next page comes as the cursor nears the end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event, insert, select

from tests.ui.conftest import SIZE, settle, table_keys
from vpp_tui.services import tokens
from vpp_tui.store import models as m
from vpp_tui.ui.sections.tokens.section import MARGIN

PAGE = SIZE[1] + MARGIN  # rows a page reads at the test terminal's height


def grow(ctx, upto: int) -> None:  # noqa: ANN001
    """Copies of a demo token ("Site 0007"…) until the store holds `upto` tokens, written
    straight through the store layer (as bench/console_scale.py does)."""
    now = ctx.clock.now()
    with ctx.store.session() as s:
        template = dict(s.execute(select(m.Token.__table__)).mappings().first())
        template.pop("id")
        have = len(s.execute(select(m.Token.id)).all())
        s.execute(insert(m.Token), [dict(
            template, name=f"Site {i:04d}", location_id=f"2050{i:014d}",
            location_name=f"Site {i:04d}", secret_sha256=f"copy-{i:08d}",
            apple_error=None, external_mdm_name=None,
            expires_at=now + timedelta(days=(i * 7) % 400 - 20))
            for i in range(have, upto)])
        s.commit()


def full_rows_read(app, run):  # noqa: ANN001, ANN201
    """(statements, token ids bound by the statements that read whole token rows — with
    the secret) while `run` runs."""
    statements: list[str] = []
    ids: list[int] = []

    def seen(_conn, _cursor, sql, parameters, *_rest) -> None:  # noqa: ANN001
        statements.append(sql)
        if "tokens.secret_sha256" in sql:  # a whole token row
            ids.extend(parameters)

    engine = app.ctx.store.engine
    event.listen(engine, "before_cursor_execute", seen)
    return statements, ids, lambda: event.remove(engine, "before_cursor_execute", seen)


async def reload(app, pilot) -> None:  # noqa: ANN001
    app.token_list.forget()
    app.screen.load()
    await settle(pilot)


async def test_the_tokens_table_reads_only_a_page_of_rows_at_300_tokens(demo_app, demo):
    ctx, _sim = demo
    grow(ctx, 30)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        statements, ids, stop = full_rows_read(app, None)
        await reload(app, pilot)
        at_30 = (len(statements), len(ids), len(table_keys(app)))
        grow(ctx, 300)
        statements.clear()
        ids.clear()
        await reload(app, pilot)
        stop()
        at_300 = (len(statements), len(ids), len(table_keys(app)))
    assert at_30 == (at_300[0], 30, 30)
    assert at_300 == (at_30[0], PAGE, PAGE)  # as many statements; one page of full rows


async def test_pages_follow_the_cursor_in_the_triage_order(demo_app, demo):
    ctx, _sim = demo
    grow(ctx, 150)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(table_keys(app)) == PAGE
        await pilot.press("ctrl+end")  # the cursor on the last row read: the next page comes
        await settle(pilot)
        assert len(table_keys(app)) == 2 * PAGE
        await pilot.press("pagedown", "pagedown")  # within the margin of the end: the last
        await settle(pilot)
        assert table_keys(app) == [v.name for v in tokens.list_tokens(ctx)]
        count = str(app.screen.query_one("#tokens-count").render())
        assert "150" in count
        assert app.token_list.reads == 1  # the shared list, read once for every page


async def test_filter_and_attention_count_every_match_and_page_through_them(demo_app, demo):
    ctx, _sim = demo
    grow(ctx, 300)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        section = app.screen
        section.filter_text = "site 01"  # Site 0100 … Site 0199
        section.load()
        await settle(pilot)
        expected = [v.name for v in tokens.list_tokens(ctx, text="site 01")]
        assert len(expected) == 100
        assert table_keys(app) == expected[:PAGE]
        assert "showing 100" in str(section.query_one("#tokens-count").render())
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table_keys(app) == expected
        section.filter_text = ""
        section.load()
        await settle(pilot)
        await pilot.press("n")  # needs attention only
        await settle(pilot)
        attention = [v.name for v in tokens.list_tokens(ctx, attention_only=True)]
        assert table_keys(app) == attention[:PAGE]
        assert f"showing {len(attention)}" in str(section.query_one("#tokens-count").render())
        assert app.token_list.reads == 1


async def test_a_store_change_keeps_the_rows_read_and_the_cursor(demo_app, demo):
    ctx, _sim = demo
    grow(ctx, 300)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+end")
        await settle(pilot)
        table = app.screen.query_one("#tokens-table")
        rows, where = len(table_keys(app)), table_keys(app)[table.cursor_row]
        app.store_changed("token.edit")
        await settle(pilot)
        assert len(table_keys(app)) == rows
        assert table_keys(app)[table.cursor_row] == where
