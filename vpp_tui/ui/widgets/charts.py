"""Charts drawn with textual-plotext (a maintained plotext widget; nothing hand-drawn):
an item's license usage over time, and the tokens' expiry timeline with their notice days.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.cells import cell_len
from textual_plotext import PlotextPlot

from vpp_tui.domain.notices import notice_days
from vpp_tui.i18n import _
from vpp_tui.i18n.format import day_month_text
from vpp_tui.services.usage import UsagePoint
from vpp_tui.services.views import TokenView


def _whole_ticks(high: int, count: int = 4) -> list[int]:
    """Up to `count` + 1 whole-number ticks from 0 to at least `high`."""
    step = max(1, -(-high // count))
    return list(range(0, high + step, step)) if high % step else list(
        range(0, high + 1, step))


def _day_label(at: datetime) -> str:
    return day_month_text(at)


def grid_text(text: str) -> str:
    """`text` for plotext, which lays text out one character per cell: each double-width
    (CJK) character is followed by a zero-width space that fills its second cell, so
    labels, the legend and the frame stay aligned ("已用" -> "已\u200b用\u200b";
    Latin text is unchanged). Source: Unicode UAX #11 via Rich's `cell_len`."""
    return "".join(c + "\u200b" if cell_len(c) == 2 else c for c in text)


class UsageChart(PlotextPlot):
    """Licenses used (and the total, unless unlimited) at each recorded sync, oldest on the
    left; `points` from `services.usage.usage_history`, at least one."""

    DEFAULT_CSS = "UsageChart { height: 12; }"

    def __init__(self, points: Sequence[UsagePoint], *, unlimited: bool,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.points = list(points)
        self.unlimited = unlimited

    def on_mount(self) -> None:
        plt = self.plt
        first = self.points[0].recorded_at
        xs = [(p.recorded_at - first).total_seconds() / 86400 for p in self.points]
        used = [p.assigned for p in self.points]
        plt.plot(xs, used, marker="hd", label=grid_text(_("used")))
        high = max(used)
        if not self.unlimited:
            totals = [p.total for p in self.points]
            plt.plot(xs, totals, marker="hd", label=grid_text(_("total")))
            high = max(high, *totals)
        ticks = _whole_ticks(max(high, 1))
        plt.yticks(ticks, [str(t) for t in ticks])
        # Headroom over the top tick: a line drawn on the frame's edge spills past it.
        plt.ylim(0, ticks[-1] + (ticks[1] - ticks[0]) / 4)
        span = xs[-1]
        where = [0.0, span / 2, span] if span else [0.0]
        plt.xticks(where, [_day_label(self.points[0].recorded_at + (
            self.points[-1].recorded_at - first) * (x / span if span else 0)) for x in where])
        if span:
            plt.xlim(0, span)


DOT_LIFT = 0.5  # notice dots sit this many rows above their token's bar


class ExpiryTimeline(PlotextPlot):
    """Each token as a bar from today to its expiry (days from today on the x axis, past
    expiry to the left of 0), with its expiry notice days (`domain.notices`, first one
    `first_day` days ahead) marked half a row above it: on the bar itself the dots hid a
    short bar (10 days left, notices on 9, 7…1 days). Rows step by one; a bar and its
    dots are half a row apart, so each keeps its own line of the plot."""

    DEFAULT_CSS = "ExpiryTimeline { height: 1fr; min-height: 10; }"

    def __init__(self, views: Sequence[TokenView], first_day: int,
                 id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.views = sorted(views, key=lambda v: (v.days_left, v.name.lower()))
        self.first_day = first_day

    def on_mount(self) -> None:
        plt = self.plt
        if not self.views:
            plt.title(grid_text(_("no tokens yet")))
            return
        # Bottom-up rows: the latest expiry first puts the soonest at the top.
        shown = list(reversed(self.views))
        for row, view in enumerate(shown, start=1):
            plt.plot([min(0, view.days_left), max(0, view.days_left)], [row, row],
                     marker="━", color="blue+" if view.days_left > 0 else "red")
        plt.yticks(list(range(1, len(shown) + 1)), [grid_text(v.name) for v in shown])
        plt.ylim(0.5, len(shown) + 0.75)
        days = notice_days(self.first_day)
        xs, ys = [], []
        for row, view in enumerate(shown, start=1):
            for d in days:
                if view.days_left - d >= 0:
                    xs.append(view.days_left - d)
                    ys.append(row)
        if xs:
            plt.scatter(xs, [y + DOT_LIFT for y in ys], marker="●", label=grid_text(_("notice days")))
        low = min(0, *(v.days_left for v in shown))
        high = max(1, *(v.days_left for v in shown))
        # The past gets its own tick only when it is far enough from 0 for both labels to
        # show: "-3" beside "0" overwrote one of them (which one varied from run to run).
        ticks = sorted({0, *_whole_ticks(high)} | ({low} if low < -high / 10 else set()))
        plt.xticks(ticks, [str(t) for t in ticks])
        plt.vline(0)
        plt.xlabel(grid_text(_("days from today")))
