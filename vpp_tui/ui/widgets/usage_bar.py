"""A small utilisation bar: licenses used of total, in eighths of a cell.

The colour says how close the item is to running out; the numbers beside it carry the
same fact for terminals without colour.
"""

from __future__ import annotations

from rich.text import Text

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(fraction: float, width: int = 8) -> str:
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part and full < width else "")


def usage_bar(used: int, total: int, *, unlimited: bool = False, width: int = 8) -> Text:
    """`████▌    48/100`; unlimited items show only what is used."""
    # The empty part is drawn, faintly, so an unused item still shows its track.
    if unlimited:
        return Text.assemble(("░" * width + f" {used}/∞", "dim"))
    fraction = used / total if total else 0.0
    colour = "red" if fraction >= 0.95 else "yellow" if fraction >= 0.75 else "green"
    filled = bar(fraction, width)
    text = Text()  # no base style: text appended after the bar keeps its own colour
    text.append(filled, style=colour)
    text.append("░" * (width - len(filled)), style="dim")
    text.append(f" {used}/{total}")
    return text
