"""First visits to Prompts, Activity, Access and Settings at an enterprise's size (issue 13:
170-235 ms at 3,000 tokens and 20k audit entries; target 150 ms): the work each does is
counted here (store reads, imports, rebuilds), never timed."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from tests.ui.conftest import SIZE, settle
from vpp_tui.services import prompts as prompts_service


async def test_a_first_visit_to_prompts_authorized_every_row_of_its_table(demo_app,
                                                                         monkeypatch):
    # Fault: the scenario table asked the service once per row, and the chooser's answer
    # once more: nine authorizations (each a few store reads) on the UI thread before the
    # first paint. One call answers the table and the chooser.
    checks: list[object] = []
    real = prompts_service.authorize
    monkeypatch.setattr(prompts_service, "authorize",
                        lambda *a, **k: (checks.append(a[1]), real(*a, **k))[1])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert app.screen.query_one("#prompts-matrix").row_count == 8
        assert len(checks) == 1
        app.screen.query_one("#prompt-kiosk").value = True  # its answer is asked again
        await settle(pilot)
        assert len(checks) == 2


def _imported_by(module: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` importing `module` brings, in a fresh interpreter (this session
    has imported everything already)."""
    code = (f"import sys, {module}; "
            f"print(sorted(n for n in {names!r} if n in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return eval(done.stdout)  # noqa: S307 - our own list of names


def test_a_first_visit_to_prompts_imported_the_license_review_screen():
    # Fault: Prompts imported the license review screen (and the licensing services it
    # needs) for a yes/no word.
    assert _imported_by("vpp_tui.ui.sections.prompts",
                        ("vpp_tui.ui.screens.license_review",)) == []


@contextmanager
def statements_by_load(store) -> Iterator[Counter]:  # noqa: ANN001
    """Count the SQL statements each worker group runs (outside workers: "ui")."""
    from sqlalchemy import event
    from textual.worker import NoActiveWorker, get_current_worker

    counts: Counter = Counter()

    def count(*_args: object) -> None:
        try:
            counts[get_current_worker().group] += 1
        except NoActiveWorker:
            counts["ui"] += 1

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


async def test_a_first_visit_to_activity_read_the_admins_grants_six_times(demo_app):
    # Fault: the page and its count were two service calls, each authorized and each
    # building the scope clause twice: the admin's grants read six times, on the ORM, for
    # one page of the log (plus the jobs line). One read now: one authorization, the
    # grants once, the count and the page.
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        with statements_by_load(app.ctx.store) as counts:
            await pilot.press("7")
            await settle(pilot)
        assert app.screen.query_one("#activity-table").row_count > 0
        assert counts["activity"] <= 13, counts  # 22 before (6 of them the jobs line)


def test_a_first_visit_to_access_imported_its_forms_and_reviews():
    # Fault: Access imported its forms (Textual's SelectionList), the reviews and the
    # confirm dialog to show three tables; they are imported when a change is asked for.
    assert _imported_by("vpp_tui.ui.sections.access.section", (
        "vpp_tui.ui.sections.access.forms", "textual.widgets._selection_list",
        "vpp_tui.services.access.review", "vpp_tui.ui.screens.confirm")) == []


def test_a_first_visit_to_settings_imported_its_form():
    # Fault: Settings imported its edit form and the preview service to list settings.
    assert _imported_by("vpp_tui.ui.sections.settings", (
        "vpp_tui.ui.screens.setting_form", "vpp_tui.services.settings.preview")) == []


async def test_a_first_visit_to_access_authorized_each_of_its_three_tables(demo_app,
                                                                          monkeypatch):
    # Fault: roles, admins and scope tags were three service calls: three authorizations
    # and three sessions for one first visit. One call reads all three.
    from vpp_tui.services.access import admin

    checks: list[object] = []
    real = admin.authorize
    monkeypatch.setattr(admin, "authorize",
                        lambda *a, **k: (checks.append(a[1]), real(*a, **k))[1])
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        assert app.screen.query_one("#access-roles").row_count > 0
        assert app.screen.query_one("#access-admins").row_count > 0
        assert len(checks) == 1
