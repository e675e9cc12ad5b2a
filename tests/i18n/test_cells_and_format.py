"""CJK text is double width: tables, padding and truncation count cells, not characters;
dates and numbers follow the language (Babel)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.cells import cell_len

from vpp_tui.cli.output import table
from vpp_tui.domain.text import cells, pad_cells, truncate_cells
from vpp_tui.i18n import set_language
from vpp_tui.i18n.format import date_text, datetime_text, number_text, percent_text


def test_table_columns_align_with_cjk_text() -> None:
    text = table([["令牌令牌", "x"], ["ab", "y"]], ["名称", "V"])
    positions = {cell_len(line[:line.index(last)]) for line, last in
                 zip(text.splitlines(), ["V", "x", "y"], strict=True)}
    assert positions == {10}  # "令牌令牌" is 8 cells, then the two-space gap


def test_truncate_cells_never_splits_a_wide_character() -> None:
    assert truncate_cells("abcdef", 4) == "abc…"
    cut = truncate_cells("令牌令牌令牌", 6)
    assert cells(cut) <= 6 and cut.startswith("令牌") and cut.endswith("…")
    assert truncate_cells("令牌", 4) == "令牌"


def test_pad_cells_pads_to_terminal_cells() -> None:
    assert pad_cells("令牌", 6) == "令牌  "
    assert pad_cells("令牌", 6, right=True) == "  令牌"


def test_dates_and_numbers_follow_the_language() -> None:
    at = datetime(2026, 11, 30, 14, 5, 9, tzinfo=UTC)
    assert (date_text(at), datetime_text(at), number_text(1234)) == (
        "2026-11-30", "2026-11-30 14:05:09", "1,234")
    set_language("fr")
    assert (date_text(at), number_text(1234)) == ("30/11/2026", "1\u202f234")
    assert percent_text(0.466, 1) == "46,6\u00a0%"
    set_language("zh_CN")
    assert (date_text(at), datetime_text(at, seconds=False)) == ("2026/11/30", "2026/11/30 14:05")


def test_chart_text_fills_the_second_cell_of_a_wide_character() -> None:
    from rich.cells import cell_len

    from vpp_tui.ui.widgets.charts import grid_text

    assert grid_text("used") == "used"
    assert len(grid_text("已用 7")) == cell_len(grid_text("已用 7")) == cell_len("已用 7")


def test_english_whole_numbers_are_written_as_babel_writes_them_without_babel() -> None:
    # Start-up (issue 13): English counts skip Babel; the text must not change.
    from babel.numbers import format_decimal

    set_language("en")
    for value in (0, 7, -7, 999, 1000, 12345, -1234567, 10**15):
        assert number_text(value) == format_decimal(value, locale="en_US"), value
