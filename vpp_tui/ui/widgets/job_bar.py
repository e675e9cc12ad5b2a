"""One line under a section's table while a long job runs: what, a bar, a count, the key
that cancels it. The sync bar of Tokens is this widget; so are the bars of revoke all,
delete, bulk apply and directory import. Hidden when no job runs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from vpp_tui.i18n import _
from vpp_tui.i18n.format import number_text

STAGES = {
    "event": lambda: _("Apple is working"),
    "metadata": lambda: _("reading names from the App Store"),
}


def stage_text(stage: str) -> str:
    """Apple client stages ("event", "assets"…) in words; other stages (a token, an item,
    a file name) as they come."""
    word = STAGES.get(stage)
    return word() if word else stage


class JobBar(Horizontal):
    DEFAULT_CSS = """
    JobBar { display: none; height: 1; padding: 0 1; }
    JobBar #job-label { width: 1fr; color: $warning; }
    JobBar #job-count { width: auto; margin: 0 1; }
    JobBar ProgressBar { width: auto; }
    JobBar Bar { width: 16; }
    JobBar #job-keys { width: auto; margin-left: 1; color: $text-muted; }
    """

    title_text = ""

    def compose(self) -> ComposeResult:
        yield Label("", id="job-label")
        yield Label("", id="job-count")
        yield ProgressBar(id="job-bar", show_eta=False, show_percentage=False)
        yield Label(_("x cancel"), id="job-keys")

    def start(self, title: str) -> None:
        """Show the bar for a new job: its title, no count yet, an indeterminate bar."""
        self.title_text = title
        self.query_one("#job-label", Label).update(f"⟳ {title}…")
        self.query_one("#job-count", Label).update("")
        self.query_one("#job-keys", Label).update(_("x cancel"))
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.display = True

    def show(self, stage: str, done: int, total: int) -> None:
        """One progress report; with a total of 0 (not known) the count says how many are
        done and the bar stays indeterminate."""
        what = stage_text(stage)
        self.query_one("#job-label", Label).update(
            f"⟳ {self.title_text}" + (f" · {what}" if what else ""))
        count = self.query_one("#job-count", Label)
        if total > 0:
            count.update(_("{done} of {total}").format(done=number_text(done),
                                                        total=number_text(total)))
            self.query_one(ProgressBar).update(total=total, progress=min(done, total))
        elif done > 0:
            count.update(_("{done} done").format(done=number_text(done)))
            self.query_one(ProgressBar).update(total=None)

    def cancelling(self) -> None:
        self.query_one("#job-keys", Label).update(_("cancelling…"))

    def stop(self) -> None:
        self.display = False
