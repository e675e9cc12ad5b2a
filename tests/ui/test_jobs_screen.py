"""The jobs screen (key j, from every section; the palette): the queue of `vpp-tui
worker` jobs, live, paged in SQL, with details and cancel (issue 13, several hosts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from tests.ui.conftest import SIZE, settle
from tests.ui.test_palette import best_hit
from vpp_tui.domain import jobs as rules
from vpp_tui.domain.labels import job_kind_label, job_state_label
from vpp_tui.services.context import ServiceContext
from vpp_tui.store import models as m
from vpp_tui.ui.screens.confirm import ConfirmScreen
from vpp_tui.ui.screens.help import HelpScreen
from vpp_tui.ui.screens.jobs.detail import JobDetailScreen
from vpp_tui.ui.screens.jobs.rows import COLUMNS, ELASTIC, ELASTIC_MIN, column_labels
from vpp_tui.ui.screens.jobs.screen import PAGE_SIZE, JobsScreen

WORKER = "svc@host-b:4242:9f3a"


def add_jobs(ctx: ServiceContext) -> dict[str, int]:
    """Four jobs of ana's in every state a screen shows, queued minutes to hours ago; ids
    by state."""
    now = ctx.clock.now()
    made = {
        rules.DONE: m.Job(kind="sync", token_name="North Campus", payload={"full": True},
                          actor="ana", state=rules.DONE, progress_done=9,
                          progress_total=9, stage="assignments", claimed_by=WORKER,
                          attempts=1, queued_at=now - timedelta(hours=3),
                          started_at=now - timedelta(hours=3), finished_at=now - timedelta(
                              hours=2), result="completed: 9 requests, 3 assets, 40 "
                          "assignments, 12 users", exit_status=0),
        rules.FAILED: m.Job(kind="assign", token_name="South Campus", payload={
            "item": "Star Chart", "group": "Teachers", "intent": "required",
            "license": "user"}, actor="ana", state=rules.FAILED, claimed_by=WORKER,
            attempts=1, queued_at=now - timedelta(minutes=50), started_at=now - timedelta(
                minutes=49), finished_at=now - timedelta(minutes=48),
            result="Apple refused: the token expired (9621) [renew it]", exit_status=1),
        rules.RUNNING: m.Job(kind="reconcile", payload={"classes": ["unmanaged_device",
                                                                     "departed_user"]},
                             actor="ana", state=rules.RUNNING, progress_done=2,
                             progress_total=5, stage="Graphing Pro", claimed_by=WORKER,
                             attempts=1, lease_expires_at=now + timedelta(minutes=1),
                             queued_at=now - timedelta(minutes=12),
                             started_at=now - timedelta(minutes=11)),
        rules.QUEUED: m.Job(kind="revoke", token_name="North Campus",
                            payload={"device": "V5LN0YRJC8MG", "token": "North Campus"},
                            actor="ana", state=rules.QUEUED,
                            queued_at=now - timedelta(minutes=3)),
    }
    with ctx.store.session() as s:
        for row in made.values():
            s.add(row)
        s.flush()
        return {state: row.id for state, row in made.items()}


def state_of(ctx: ServiceContext, job_id: int) -> tuple[str, bool]:
    with ctx.store.session() as s:
        row = s.get(m.Job, job_id)
        return row.state, row.cancel_requested


def shown(app) -> list[tuple[str, ...]]:  # noqa: ANN001
    table = app.screen.query_one("#jobs-table", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


def field_lines(app) -> list[str]:  # noqa: ANN001
    """The job details' lines as painted, trailing blanks cut."""
    fields = app.screen.query_one("#job-fields")
    return ["".join(seg.text for seg in fields.render_line(y)).rstrip()
            for y in range(fields.size.height)]


async def open_details(pilot, job_id: int) -> None:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("j")
    await settle(pilot)
    await select_job(pilot, job_id)
    await pilot.press("enter")
    await settle(pilot)


async def select_job(pilot, job_id: int) -> None:  # noqa: ANN001
    table = pilot.app.screen.query_one("#jobs-table", DataTable)
    keys = [str(r.value) for r in table.rows]
    table.move_cursor(row=keys.index(str(job_id)), animate=False)
    await pilot.pause()


async def test_j_opens_the_jobs_from_any_section_with_every_column(ctx, make_app) -> None:
    ids = add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("1", "7"):
            await pilot.press(key)
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
            assert isinstance(app.screen, JobsScreen), key
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, JobsScreen)
        await pilot.press("j")
        await settle(pilot)
        rows = shown(app)
        assert [r[0] for r in rows] == [str(ids[s]) for s in (
            rules.QUEUED, rules.RUNNING, rules.FAILED, rules.DONE)]  # newest first
        assert rows[1] == (str(ids[rules.RUNNING]), "reconcile", "—", "ana", "running",
                           "2/5", "12 min ago", "host-b:4242")
        assert rows[3][4:7] == ("done", "9/9", "3 h ago")
        status = str(app.screen.query_one("#jobs-status").render())
        assert "rows 1–4 of 4" in status and "1 queued, 1 running" in status
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_palette_opens_the_jobs(ctx, make_app) -> None:
    add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        prompt = await best_hit(pilot, "jobs", "jobs (j)")
        assert prompt.startswith("jobs (j)")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen) and len(shown(app)) == 4


async def test_enter_shows_a_failed_jobs_error_whole(ctx, make_app) -> None:
    ids = add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await select_job(pilot, ids[rules.FAILED])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobDetailScreen)
        text = " ".join(field_lines(app))
        assert "Error" in text and "the token expired (9621) [renew it]" in text
        assert "item: Star Chart; group: Teachers" in text and "svc@host-b:4242:9f3a" in text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)


async def test_x_cancels_a_queued_job_after_confirming_and_not_a_finished_one(
        ctx, make_app) -> None:
    ids = add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await select_job(pilot, ids[rules.DONE])
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, JobsScreen)  # greyed: finished already
        await select_job(pilot, ids[rules.QUEUED])
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert state_of(ctx, ids[rules.QUEUED]) == (rules.QUEUED, False)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert state_of(ctx, ids[rules.QUEUED])[0] == rules.CANCELLED
        assert shown(app)[0][4] == "cancelled"
        await select_job(pilot, ids[rules.RUNNING])
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert state_of(ctx, ids[rules.RUNNING]) == (rules.RUNNING, True)
        assert shown(app)[1][4] == "running, stopping"


async def test_the_list_follows_the_queue_and_pages_in_sql(ctx, make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert shown(app) == [] and app.screen.query_one("#jobs-empty").display
        now = ctx.clock.now()
        with ctx.store.session() as s:  # a worker on another host queues and claims
            for n in range(PAGE_SIZE + 3):
                s.add(m.Job(kind="sync", token_name=f"T{n}", payload={}, actor="ana",
                            queued_at=now))
        app.screen.reload()  # what the periodic read does
        await settle(pilot)
        assert len(shown(app)) == PAGE_SIZE and shown(app)[0][2] == f"T{PAGE_SIZE + 2}"
        await pilot.press("n")
        await settle(pilot)
        assert [r[2] for r in shown(app)] == ["T2", "T1", "T0"]
        with ctx.store.session() as s:
            row = s.exec(select(m.Job).where(m.Job.token_name == "T0")).one()
            row.state, row.progress_done, row.progress_total = rules.RUNNING, 1, 4
        app.store_changed("sync")  # a store change event reaches the screen
        await settle(pilot)
        assert shown(app)[2][4:6] == ("running", "1/4")


async def test_job_details_what_wraps_inside_its_column_not_back_at_the_left_edge(
        ctx, make_app) -> None:
    """Fault: a long "What" continued at the dialog's left edge, under the labels."""
    ids = add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_details(pilot, ids[rules.FAILED])
        lines = field_lines(app)
        first = next(i for i, line in enumerate(lines) if line.lstrip().startswith("What"))
        column = lines[first].index("item:")
        assert lines[first + 1].strip().startswith("license") or "license" in lines[first]
        wrapped = lines[first + 1]
        assert wrapped[:column].strip() == "" and wrapped[column] != " ", lines
        assert lines[first + 2].lstrip().startswith("Queued by")


async def test_jobs_list_state_does_not_run_into_the_progress(ctx, make_app) -> None:
    """Fault: "running2/5": the state's last letter met the progress. Progress is
    right-aligned in its column now, clear of the state."""
    ids = add_jobs(ctx)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        table = app.screen.query_one("#jobs-table", DataTable)
        row = [str(r.value) for r in table.rows].index(str(ids[rules.RUNNING]))
        line = "".join(seg.text for seg in table.render_line(row + 1))
        gap = line[line.index("running") + len("running"):line.index("2/5")]
        assert gap.strip() == "" and len(gap) >= 3, line


async def test_job_states_are_shown_translated_and_stored_in_english(ctx, make_app) -> None:
    """Fault: job states showed raw ("queued", "failed") in a French console."""
    from vpp_tui.i18n import set_language

    ids = add_jobs(ctx)
    set_language("fr")  # the conftest puts English back after the test
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        states = [r[4] for r in shown(app)]
        assert states == [job_state_label(s) for s in (rules.QUEUED, rules.RUNNING,
                                                        rules.FAILED, rules.DONE)]
        assert state_of(ctx, ids[rules.FAILED]) == (rules.FAILED, False)


async def test_jobs_footer_fits_80_columns_in_french(ctx, make_app) -> None:
    """Fault: at 80x24 in French the footer ran past the screen (the palette key covered
    the last keys). Keys that do not fit are left out, greyed ones first."""
    from tests.ui.conftest import shown_footer_keys
    from vpp_tui.i18n import set_language
    from vpp_tui.ui.widgets.footer import Footer

    add_jobs(ctx)
    set_language("fr")  # the conftest puts English back after the test
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        assert {"close", "cancel_job", "app.quit"} <= shown_footer_keys(footer)
        # No other page: the page keys are not shown at all.
        assert not {"page(1)", "page(-1)"} & (shown_footer_keys(footer) | set(footer.left_out))


@pytest.mark.parametrize("lang", ["en", "fr", "zh_CN"])
async def test_french_jobs_list_at_80x24_clips_no_column(ctx, make_app, lang) -> None:
    """Fault: in French at 80x24 the "Âge" column was cut off at the right edge (the row
    was wider than the screen). Every column shows now, in every language: long names are
    cut with "…", the age and state whole."""
    from vpp_tui.domain.text import cells
    from vpp_tui.i18n import set_language
    from vpp_tui.ui.format import ago

    add_jobs(ctx)
    set_language(lang)  # the conftest puts English back after the test
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        table = app.screen.query_one("#jobs-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width
        header = "".join(seg.text for seg in table.render_line(0))
        assert cells(header.rstrip()) <= 80
        for key, label in zip(COLUMNS, column_labels(), strict=True):
            # A long name's heading may end in "…"; the others show whole.
            shown_part = label[:ELASTIC_MIN - 1] if key in ELASTIC else label
            assert shown_part in header, (label, header)

        queued = app.screen.page.views[0]
        line = "".join(seg.text for seg in table.render_line(1))
        assert ago(queued.queued_at, ctx.clock.now()) in line, line
        assert job_kind_label(queued.kind) in line, line


async def test_job_kinds_are_shown_translated_and_stored_as_they_are(ctx, make_app) -> None:
    """Fault: the jobs list showed kinds raw ("sync", "assign") in a French console; they
    read through `domain.labels.job_kind_label` now, the stored kind unchanged."""
    from vpp_tui.i18n import set_language

    ids = add_jobs(ctx)
    set_language("fr")  # the conftest puts English back after the test
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        kinds = {r[0]: r[1] for r in shown(app)}
        assert kinds[str(ids[rules.DONE])] == job_kind_label("sync") == "synchro"
        assert kinds[str(ids[rules.FAILED])] == "affecter"
    with ctx.store.session() as s:
        assert s.get(m.Job, ids[rules.DONE]).kind == "sync"


def test_fit_widths_cuts_the_widest_name_column_first_and_keeps_the_short_ones() -> None:
    from vpp_tui.ui.screens.jobs.rows import fit_widths

    assert fit_widths([2, 9, 12, 14, 9, 11, 13, 9], 80) == [2, 9, 12, 14, 9, 11, 13, 9]
    assert fit_widths([2, 9, 12, 14, 9, 11, 13, 9], 70) == [2, 9, 8, 9, 9, 11, 13, 9]
    assert fit_widths([2, 9, 12, 14, 9, 11, 13, 9], 10) == [2, 9, 6, 6, 9, 11, 13, 6]
