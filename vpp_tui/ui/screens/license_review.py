"""Review before apply: what an assignment, removal or revoke will do, before Apple is told.

The text comes only from the service's `LicensePreview`: members, licenses, the order in
which they go out, who fails and why, Apple requests, what end users will see, warnings
and what can never be undone. `enter` applies, `esc` backs out, `v` lists every member.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from vpp_tui.domain.labels import (
    edition_label,
    intent_label,
    license_type_label,
    member_kind_label,
    outcome_label,
)
from vpp_tui.domain.prompts import plan_prompts_users
from vpp_tui.domain.text import pad_cells
from vpp_tui.i18n import N_, _, ngettext
from vpp_tui.services.catalog import UNLIMITED
from vpp_tui.services.licensing.views import LicensePreview
from vpp_tui.ui.commands import Command, bindings
from vpp_tui.ui.widgets.row_table import RowTable

REVIEW_COMMANDS = (
    Command("review.list", "v", "toggle_list", N_("view list"),
            N_("Show or hide every member in the order licenses go out")),
    Command("review.cancel", "escape", "cancel", N_("cancel"), N_("Change nothing"),
            key_display="esc"),
    # Priority: enter applies even while the member list has the focus.
    Command("review.apply", "enter", "apply", N_("apply"),
            N_("Tell Apple and record what it confirms"), priority=True),
)

SHOWN_MEMBERS = 1000  # the list is for reading; a 100k-member group stays responsive


def prompt_words(p) -> str:  # noqa: ANN001 - a domain PromptResult
    if p.invite_to_vpp is None:
        return _("no answer (see the warning)")
    return ", ".join((
        _("an invitation") if p.invite_to_vpp else _("no invitation"),
        _("an install prompt") if p.app_install_prompt else _("no install prompt"),
        _("an Apple ID prompt") if p.apple_id_prompt else _("no Apple ID prompt")))


def _edition(preview: LicensePreview) -> str:
    """The edition after the name, for books and for any PLUS item: two editions of one
    book share their name and adamId."""
    item = preview.plan.item
    if item is None or (not item.is_book and item.pricing_param == "STDQ"):
        return ""
    return f" · {edition_label(item.pricing_param)}"


def title_of(preview: LicensePreview) -> str:
    plan = preview.plan
    where = f"{_edition(preview)} ({preview.token})" if preview.token else _edition(preview)
    if plan.action == "assign":
        return _('Assign "{item}"{where} to "{group}" · {intent} · {lt} licensing').format(
            item=preview.item, where=where, group=preview.group,
            intent=intent_label(plan.intent), lt=license_type_label(plan.license_type))
    if plan.action == "unassign":
        return _('Remove "{item}"{where} from "{group}"').format(
            item=preview.item, where=where, group=preview.group)
    what = preview.item or preview.target or ""
    return _('Revoke every license of "{what}"{where}').format(what=what, where=where)


def _pool(preview: LicensePreview) -> str:
    total = preview.licenses_total
    if total is None:
        return ""
    if total >= UNLIMITED:
        return _("unlimited licenses")
    left = max(total - preview.licenses_before, 0)
    return ngettext("{n} license available", "{n} licenses available", left).format(n=left)


def _apple_line(preview: LicensePreview) -> str:
    plan = preview.plan
    serials = sum(len(op.serial_numbers) for op in plan.operations)
    users = sum(len(op.client_user_ids) for op in plan.operations)
    targets = [ngettext("{n} serial", "{n} serials", serials).format(n=serials)] if serials \
        else []
    if users:
        targets.append(ngettext("{n} user", "{n} users", users).format(n=users))
    requests = ngettext("{n} request", "{n} requests", preview.apple_requests).format(
        n=preview.apple_requests)
    line = _("Apple: {requests}").format(requests=requests)
    if targets:
        line += f" ({', '.join(targets)})"
    if preview.registrations:
        line += ngettext(", {n} user registered first", ", {n} users registered first",
                         preview.registrations).format(n=preview.registrations)
    total = preview.licenses_total
    of = "" if total is None else (_(" of unlimited") if total >= UNLIMITED
                                   else _(" of {t}").format(t=total))
    return line + _("; licenses used {b} → {a}{of}").format(
        b=preview.licenses_before, a=preview.licenses_after, of=of)


def review_lines(preview: LicensePreview) -> list[Text]:
    """The review, one line per fact, in the order an admin reads them."""
    plan = preview.plan
    lines: list[Text] = []
    members = len(plan.members)
    head = ngettext("{n} member", "{n} members", members).format(n=members)
    pool = _pool(preview)
    lines.append(Text(f"{head} · {pool}" if pool else head, style="bold"))
    for reason in plan.refusals:
        from vpp_tui.domain.licensing import describe_reason

        lines.append(Text(_("✗ refused: {why}; nothing will be sent").format(
            why=describe_reason(reason)), style="bold red"))
    if plan.licensed:
        text = Text(pad_cells(_("  {n} will get a license").format(n=plan.licensed), 30),
                    style="green")
        if plan.order:
            text.append(_("(members 1–{n}: {order})").format(n=plan.licensed,
                                                          order=plan.order), style="dim")
        lines.append(text)
    if plan.already_licensed:
        lines.append(Text(ngettext("  {n} already holds a license",
                                   "  {n} already hold a license",
                                   plan.already_licensed).format(n=plan.already_licensed)))
    if plan.reclaimed:
        lines.append(Text(ngettext("  {n} license will be reclaimed",
                                   "  {n} licenses will be reclaimed",
                                   plan.reclaimed).format(n=plan.reclaimed)))
    removed = sum(1 for m in plan.members if m.uninstall) if plan.allowed else 0
    if removed:
        lines.append(Text(ngettext(
            "  {n} member: the app is removed from iOS/iPadOS devices",
            "  {n} members: the app is removed from iOS/iPadOS devices",
            removed).format(n=removed)))
    for reason, names in plan.failures_by_reason().items():
        from vpp_tui.domain.licensing import Reason, describe_reason

        text = Text(pad_cells(_("  {n} will fail").format(n=len(names)), 30), style="yellow")
        text.append(describe_reason(reason))
        if reason is Reason.NO_LICENSES_LEFT:
            text.append(_(" · in the order shown"), style="dim")
        lines.append(text)
    skipped = [m for m in plan.members if m.outcome == "skipped"] if not plan.refusals else []
    if skipped:
        reasons = sorted({m.reason_text or "" for m in skipped} - {""})
        lines.append(Text(_("  {n} unchanged: {why}").format(
            n=len(skipped), why="; ".join(reasons) or "—"), style="dim"))
    if plan.allowed:
        lines.append(Text(_apple_line(preview)))
    # Prompts only for a plan that installs something: never for a refused plan, a
    # removal or an Uninstall assignment (domain.prompts.plan_prompts_users).
    for group in preview.prompts if plan_prompts_users(plan) else ():
        p = group.prompts
        text = Text(ngettext("Users will see on {n} device: {seen}",
                             "Users will see on {n} devices: {seen}",
                             group.devices).format(n=group.devices, seen=prompt_words(p)))
        if p.scenario:
            text.append(_(" (scenario {s})").format(s=p.scenario), style="dim")
        lines.append(text)
        if p.warning:
            lines.append(Text(f"⚠ {p.warning}", style="yellow"))
    for warning in plan.warnings:
        lines.append(Text(f"⚠ {warning.message}", style="yellow"))
    if plan.failed and plan.action == "assign":
        waiting = len(plan.waitlist())
        if waiting:
            lines.append(Text(ngettext(
                "⚠ {n} member stays without the item until licenses are bought or freed",
                "⚠ {n} members stay without the item until licenses are bought or freed",
                waiting).format(n=waiting), style="yellow"))
    if plan.irreversible:
        lines.append(Text(ngettext(
            "⚠ irreversible: {n} book license can never be reclaimed",
            "⚠ irreversible: {n} book licenses can never be reclaimed",
            len(plan.irreversible)).format(n=len(plan.irreversible)), style="bold yellow"))
    if plan.action == "unassign" or str(plan.intent or "") == "uninstall":
        lines.append(Text(_("Rule: {rule}").format(rule=preview.removal_rule_text),
                          style="dim"))
    return lines


class LicenseReviewScreen(ModalScreen[bool]):
    BINDINGS = bindings(REVIEW_COMMANDS)
    DEFAULT_CSS = """
    #review-box { width: 110; }
    #review-scroll { height: auto; max-height: 20; }
    #review-lines { height: auto; }
    #review-members { height: 14; display: none; margin-top: 1; }
    #review-keys { margin-top: 1; text-align: right; color: $text-muted; }
    """

    def __init__(self, preview: LicensePreview, *, back: bool = False) -> None:
        """`back`: esc returns to the form the change was chosen in (its values kept)."""
        super().__init__(classes="review")
        self.preview = preview
        self.back = back

    def compose(self) -> ComposeResult:
        with Vertical(id="review-box", classes="dialog") as box:
            box.border_title = title_of(self.preview)
            with VerticalScroll(id="review-scroll"):
                yield Static(Text("\n").join(review_lines(self.preview)), id="review-lines")
            yield RowTable(id="review-members", cursor_type="row", zebra_stripes=True)
            esc = _("esc back to the form") if self.back else (
                _("esc cancel") if self.preview.allowed else _("esc close"))
            keys = _("v view list   {esc}   enter apply").format(esc=esc) \
                if self.preview.allowed else _("v view list   {esc}").format(esc=esc)
            yield Static(keys, id="review-keys")

    def action_toggle_list(self) -> None:
        table = self.query_one("#review-members", DataTable)
        if not table.columns:
            table.add_columns("#", _("Member"), _("Kind"), _("Outcome"), _("Reason"))
            for n, m in enumerate(self.preview.plan.members[:SHOWN_MEMBERS], start=1):
                table.add_row(str(n), m.member, member_kind_label(str(m.kind)),
                              outcome_label(str(m.outcome)),
                              m.reason_text or "")
        table.display = not table.display
        if table.display:
            table.focus()
        else:
            self.set_focus(None)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_apply(self) -> None:
        if self.preview.allowed:
            self.dismiss(True)
