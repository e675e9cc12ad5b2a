"""What the directory details show, as lines and table rows built from the service's views.

Every value from the store is wrapped in `rich.text.Text`, never passed as a markup
string: a name holding "[b]" or "[/]" shows as typed. The views are `SafeText`, so no
control character reaches the terminal either.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from vpp_tui.domain.labels import edition_label
from vpp_tui.i18n import _
from vpp_tui.services.directory.details import (
    DeviceDetails,
    GroupDetails,
    HeldLicense,
    UserDetails,
)
from vpp_tui.ui.format import day
from vpp_tui.ui.screens.license_review import prompt_words

Table = tuple[tuple[str, ...], list[tuple[object, ...]], str]  # columns, rows, when empty


def yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _fact_line(pairs: Sequence[tuple[str, object]]) -> Text:
    line = Text()
    for n, (label, value) in enumerate(pairs):
        if n:
            line.append("   ")
        line.append(f"{label}: ", style="dim")
        line.append(str(value))
    return line


def user_facts(d: UserDetails) -> Text:
    lines = [_fact_line([(_("Name"), d.name or "—"), (_("UPN"), d.upn),
                         (_("Active"), yes(d.active))]),
             _fact_line([(_("Managed Apple ID"), d.managed_apple_id or "—"),
                         (_("Personal Apple ID"), yes(d.personal_apple_id))]),
             _fact_line([(_("Groups"), ", ".join(d.groups) or _("none"))])]
    link = d.invitation
    if link:
        lines.append(Text(_("Invitation link, not accepted yet (c copies it):"), style="dim"))
        lines.append(Text(link))
    if any(h.product_type == "book" for h in d.licenses):
        lines.append(Text(_("Books stay with their users: Apple never revokes a book "
                            "license, so r revokes the apps only."), style="dim"))
    return Text("\n").join(lines)


def device_facts(d: DeviceDetails) -> Text:
    v = d.device
    kind = [v.platform, v.ownership, _("supervised") if v.supervised else _("unsupervised"),
            _("enrolment {e}").format(e=v.enrollment)]
    if v.kiosk:
        kind.append(_("kiosk"))
    if v.app_store_blocked:
        kind.append(_("App Store blocked"))
    return Text("\n").join([
        _fact_line([(_("Serial number"), v.serial), (_("Name"), v.name or "—"),
                    (_("Model"), ", ".join(kind))]),
        _fact_line([(_("Primary user"), v.primary_user or "—"),
                    (_("Managed"), yes(v.managed) if v.managed else
                     _("no: licenses are not reclaimed when a device leaves management"))]),
        _fact_line([(_("Groups"), ", ".join(d.groups) or _("none"))]),
    ])


def group_facts(d: GroupDetails) -> Text:
    kind = _("user group") if d.kind == "user" else _("device group")
    return _fact_line([(_("Name"), d.name), (_("Kind"), kind),
                       (_("Members"), d.members.total)])


def _edition(pricing_param: str) -> str:
    return edition_label(pricing_param)  # as in Apps and eBooks: Standard / Plus (extras)


def licenses_table(held: Sequence[HeldLicense]) -> Table:
    rows: list[tuple[object, ...]] = [
        (Text(h.item), h.product_type, Text(h.token), h.license_type, _edition(h.pricing_param),
         h.status, day(h.since)) for h in held]
    return ((_("Item"), _("Kind"), _("Token"), _("License type"), _("Edition"), _("Status"),
             _("Since")), rows, _("no licenses held in your scope"))


def user_devices_table(d: UserDetails) -> Table:
    rows: list[tuple[object, ...]] = [
        (Text(v.serial), Text(v.name), v.platform, v.ownership, yes(v.supervised),
         yes(v.managed)) for v in d.devices]
    return ((_("Serial"), _("Name"), _("Platform"), _("Ownership"), _("Supervised"),
             _("Managed")), rows, _("not the primary user of any device"))


def apple_users_table(d: UserDetails) -> Table:
    rows: list[tuple[object, ...]] = [
        (Text(a.location), Text(a.token), a.status, Text(a.client_user_id),
         _("waiting: c copies it") if a.invitation else "—") for a in d.apple_users]
    return ((_("Location"), _("Token"), _("Apple user"), _("clientUserId"),
             _("Invitation")), rows,
            _("not registered with Apple at any location in your scope"))


def prompts_table(d: DeviceDetails) -> Table:
    rows: list[tuple[object, ...]] = []
    for p in d.prompts:
        r = p.prompts.result
        words = prompt_words(r)
        if r.warning:
            words += " ⚠ " + r.warning
        rows.append((Text(p.item), Text(p.token), p.intent, p.prompts.license_type,
                     Text(p.prompts.assignment or "—"), Text(words)))
    return ((_("Item"), _("Token"), _("Intent"), _("License type"), _("Via group"),
             _("The device will show")), rows, _("no item is assigned to this device"))


def assignments_table(d: GroupDetails) -> Table:
    rows: list[tuple[object, ...]] = [
        (Text(a.item), a.product_type, Text(a.token), _edition(a.pricing_param), a.intent,
         a.license_type) for a in d.assignments]
    return ((_("Item"), _("Kind"), _("Token"), _("Edition"), _("Intent"), _("License type")),
            rows, _("nothing is assigned to this group in your scope"))


def members_table(d: GroupDetails) -> Table:
    detail = _("Managed Apple ID") if d.kind == "user" else _("Platform")
    rows: list[tuple[object, ...]] = [
        (Text(str(d.members.offset + n)), Text(g.member),
         Text(g.name) if g.known else Text(_("not in the directory"), style="dim"),
         Text(g.detail or "—")) for n, g in enumerate(d.members.rows, start=1)]
    return (("#", _("UPN") if d.kind == "user" else _("Serial"), _("Name"), detail), rows,
            _("no members"))
