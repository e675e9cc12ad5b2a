"""How one app or book reads as a table row (one row per item per token)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from vpp_tui.domain.labels import edition_label
from vpp_tui.i18n import _
from vpp_tui.services.catalog import AssetView
from vpp_tui.ui.widgets.usage_bar import usage_bar


def columns(books: bool) -> tuple[tuple[str, str], ...]:
    """(key, title) of each column. The counts come right after the name and token, so
    they stay whole on an 80-column terminal; the edition follows them (two editions of
    one book share name and adamId)."""
    head = (("name", _("Name")), ("token", _("Token")), ("used", _("Used / Total")),
            ("available", _("Available")), ("edition", _("Edition")))
    if not books:
        head += (("platforms", _("Platforms")), ("version", _("Version")),
                 ("device", _("Device")), ("revocable", _("Revocable")))
    return head + (("kind", _("Kind")),)


def row_key(view: AssetView) -> str:
    return str(view.id)


def _mark(value: bool) -> Text:
    return Text("✓", style="green") if value else Text("—", style="dim")


def kind(view: AssetView) -> Text:
    text = Text(_("custom") if view.custom else _("store"))
    if view.missing_in_store:
        text.append(_(" ⚠ not in store"), style="bold yellow")
    return text


def available(view: AssetView) -> Text:
    if view.unlimited:
        return Text(_("unlimited"), style="dim", justify="right")
    text = Text(str(view.available), justify="right",
                style="bold red" if view.available == 0 else "")
    if view.low_on_licenses:  # low_license_percent (Settings)
        text.append(_(" ▼low"), style="bold yellow")
    return text


def cells(view: AssetView, books: bool) -> tuple[object, ...]:
    # A 5-cell bar leaves room for every column, the edition too, at 120 columns.
    head: tuple[object, ...] = (
        view.name, view.token,
        usage_bar(view.used, view.total, unlimited=view.unlimited, width=5),
        available(view), edition_label(view.pricing_param))
    if not books:
        head += (" ".join(view.platforms) or "—", view.version or "—",
                 _mark(view.device_assignable), _mark(view.revocable))
    return head + (kind(view),)


def facts(view: AssetView) -> str:
    """One sentence of what the row's marks mean, for the panel and the details."""
    parts = [_("adamId {id}").format(id=view.adam_id),
             _("edition: {e}").format(e=edition_label(view.pricing_param))]
    if view.product_type == "book":
        parts.append(_("book: user licensing only; a book license can never be reclaimed"))
    else:
        parts.append(_("device-assignable") if view.device_assignable
                     else _("user licensing only"))
        parts.append(_("revocable") if view.revocable else _("not revocable"))
    parts.append(_("custom app") if view.custom else _("store item"))
    if view.update_available:
        parts.append(_("new version {v} available (auto-update)").format(
            v=view.update_available))
    if view.low_on_licenses:
        parts.append(_("▼ low on licenses (the low-license share is set in Settings)"))
    if view.unlimited:
        parts.append(_("free: unlimited licenses"))
    if view.missing_in_store:
        parts.append(_("⚠ missing from the token's country store: metadata kept from "
                       "before"))
    return " · ".join(parts)


def phrase_lines(text: str, width: int, joint: str = " · ") -> str:
    """`text` (phrases joined by `joint`) broken into lines of at most `width` cells
    between its phrases, never inside one: a line that goes on starts with "· ". A phrase
    wider than `width` stays whole on its own line (the label folds it)."""
    phrases = text.split(joint)
    lines = [phrases[0]]
    for phrase in phrases[1:]:
        if cell_len(lines[-1] + joint + phrase) <= width:
            lines[-1] += joint + phrase
        else:
            lines.append(joint.lstrip() + phrase)
    return "\n".join(lines)
