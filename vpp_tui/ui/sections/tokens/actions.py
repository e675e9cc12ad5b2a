"""What each Tokens key does: open the right dialog, then call the service in a worker.

The dialogs (and the expiry timeline's chart library) are imported when a key first opens
one: the console paints its first token row without them (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vpp_tui.i18n import _, shown
from vpp_tui.services import tokens
from vpp_tui.services.refusals import token_settings_action
from vpp_tui.services.settings import get_setting
from vpp_tui.services.views import DeletePreview, TokenDetails, TokenView
from vpp_tui.ui.jobs import JobSpec

if TYPE_CHECKING:
    from vpp_tui.domain.notices import ExpiryNotice
    from vpp_tui.services.context import ServiceContext
    from vpp_tui.ui.screens.tokens.forms import SettingsChange


def delete_text(preview: DeletePreview) -> str:
    lines = [_("Deleted:")]
    lines += [f"  • {item}" for item in preview.deleted]
    lines += ["", _("Not deleted:")]
    lines += [f"  • {item}" for item in preview.kept]
    lines += ["", _("To take the licenses back first, press D: revoke all, then delete.")]
    return "\n".join(lines)


def revoke_delete_text(preview: DeletePreview) -> str:
    """The revoke-and-delete confirmation: what Apple revokes, counted by holders (users
    and devices, `DeletePreview.revoked`, as the CLI's dry run says it), then what goes."""
    lines = [_("First:"), *(f"  • {line}" for line in preview.revoked), "", _("Deleted:")]
    lines += [f"  • {item}" for item in preview.deleted]
    lines += ["", _("If Apple refuses any revoke, nothing is deleted.")]
    return "\n".join(lines)


class TokenActions:
    """Mixed into TokensSection; relies on its `selected`, `ctx`, `call_service` and
    `job_busy` (RunsJobs)."""

    ctx: ServiceContext
    selected: TokenView | None
    call_service: Callable[[JobSpec, Callable[[ServiceContext], object], str], None]
    job_busy: Callable[[str], bool]

    def action_add(self) -> None:
        from vpp_tui.ui.screens.tokens.add import AddTokenWizard

        def added(view: TokenView | None) -> None:
            if view is not None:
                self.notify(_("Token {name} added · {state}").format(  # type: ignore[attr-defined]
                    name=view.name, state=view.state_reason), title=_("Tokens"))
            # Also when the wizard was left: a refused file is in the audit log.
            self.app.store_changed("token.add")  # type: ignore[attr-defined]

        self.app.push_screen(AddTokenWizard(), added)  # type: ignore[attr-defined]

    def action_renew(self) -> None:
        from vpp_tui.ui.screens.tokens.forms import RenewScreen

        view = self.selected
        if view is None:
            return

        def chosen(content: str | None) -> None:
            if content is not None:
                self.call_service(
                    JobSpec("token.renew", f"token.renew:{view.name}",
                            _("Renewing {name}").format(name=view.name), _("Renewal refused")),
                    lambda ctx: tokens.renew_token(ctx, view.name, content),
                    _("{name} renewed: apps and assignments kept").format(name=view.name))

        self.app.push_screen(RenewScreen(view), chosen)  # type: ignore[attr-defined]

    def action_edit(self) -> None:
        from vpp_tui.ui.screens.tokens.forms import EditSettingsScreen

        view = self.selected
        if view is None:
            return

        def chosen(change: SettingsChange | None) -> None:
            if change is not None:
                self.call_service(
                    JobSpec("token.edit", f"token.edit:{view.name}",
                            _("Saving the settings of {name}").format(name=view.name),
                            _("Settings refused"),
                            refusal=(token_settings_action(change.notification_url),
                                     view.name)),
                    lambda ctx: tokens.update_settings(
                        ctx, view.name, country=change.country,
                        account_type=change.account_type, auto_update=change.auto_update,
                        scope_tags=change.scope_tags,
                        notification_url=change.notification_url),
                    _("{name}: settings saved").format(name=view.name))

        self.app.push_screen(EditSettingsScreen(view), chosen)  # type: ignore[attr-defined]

    def action_take_control(self) -> None:
        from vpp_tui.ui.screens.confirm import ConfirmScreen

        view = self.selected
        if view is None or not view.external_mdm_name:
            return
        mdm = shown(view.external_mdm_name)
        body = _("{mdm} manages the licenses of {location} today.\n\n"
                 "Taking control makes this console their manager: {mdm} stops managing them "
                 "and may show errors for the apps it assigned. Apps, books and licenses "
                 "stay with Apple.").format(mdm=mdm, location=view.location_name or view.name)

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    JobSpec("token.take_control", f"token.take_control:{view.name}",
                            _("Taking control of {name}").format(name=view.name),
                            _("Take control failed")),
                    lambda ctx: tokens.take_control(ctx, view.name),
                    _("{name}: now managed here instead of {mdm}").format(
                        name=view.name, mdm=mdm))

        self.app.push_screen(ConfirmScreen(  # type: ignore[attr-defined]
            _("Take control of {name} from {mdm}?").format(name=view.name, mdm=mdm), body,
            yes=_("Take control")), answered)

    def action_delete(self) -> None:
        view = self.selected
        if view is not None and not self.job_busy(f"token.delete:{view.name}"):
            self._delete_preview(view.name)

    def action_revoke_and_delete(self) -> None:
        view = self.selected
        if view is not None and not self.job_busy(f"token.revoke_delete:{view.name}"):
            self._delete_preview(view.name, revoke=True)

    def _delete_preview(self, name: str, revoke: bool = False) -> None:
        confirm = self._confirm_revoke_delete if revoke else self._confirm_delete

        def work_() -> None:
            preview = tokens.delete_preview(self.ctx, name)
            self.app.call_from_thread(confirm, preview)  # type: ignore[attr-defined]

        self.run_worker(work_, group="delete", thread=True, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)

    def _confirm_delete(self, preview: DeletePreview) -> None:
        from vpp_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.call_service(
                    JobSpec("token.delete", f"token.delete:{preview.name}",
                            _("Deleting {name}").format(name=preview.name),
                            _("Delete refused")),
                    lambda ctx: tokens.delete_token(ctx, preview.name),
                    _("{name} deleted; its {n} licenses stay with Apple").format(
                        name=preview.name, n=preview.licenses))

        self.app.push_screen(ConfirmScreen(  # type: ignore[attr-defined]
            _("Delete token {name}?").format(name=preview.name), delete_text(preview),
            yes=_("Delete"), danger=True), answered)

    def _confirm_revoke_delete(self, preview: DeletePreview) -> None:
        from vpp_tui.ui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_job(  # type: ignore[attr-defined]
                    JobSpec("token.revoke_delete", f"token.revoke_delete:{preview.name}",
                            _("Revoke all of {name}, then delete it").format(
                                name=preview.name), _("Revoke and delete refused")),
                    lambda ctx, progress: tokens.delete_token(
                        ctx, preview.name, revoke_licenses=True, on_progress=progress),
                    lambda _result: self.notify(  # type: ignore[attr-defined]
                        _("{name}: licenses revoked, token deleted").format(
                            name=preview.name), title=_("Tokens")))

        self.app.push_screen(ConfirmScreen(  # type: ignore[attr-defined]
            _("Revoke all licenses of {name}, then delete it?").format(name=preview.name),
            revoke_delete_text(preview), yes=_("Revoke and delete"), danger=True), answered)

    def action_details(self) -> None:
        view = self.selected
        if view is None:
            return

        def work_() -> None:
            from vpp_tui.services.status import expiry_notices

            details = tokens.get_token(self.ctx, view.name)
            notice = next((n for n in expiry_notices(self.ctx) if n.token == view.name), None)
            first_day = int(get_setting(self.ctx, "expiring_soon_days"))
            self.app.call_from_thread(  # type: ignore[attr-defined]
                self._show_details, details, notice, first_day)

        self.run_worker(work_, group="details", thread=True, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)

    def _show_details(self, details: TokenDetails, notice: ExpiryNotice | None,
                      first_day: int) -> None:
        from vpp_tui.ui.screens.tokens.details import TokenDetailsScreen

        self.app.push_screen(  # type: ignore[attr-defined]
            TokenDetailsScreen(details, notice, first_day))

    def action_timeline(self) -> None:
        from vpp_tui.ui.screens.tokens.timeline import ExpiryTimelineScreen

        views = list(self.matched)  # every matching token, not only the rows read  # type: ignore[attr-defined]

        def work_() -> None:
            first_day = int(get_setting(self.ctx, "expiring_soon_days"))
            self.app.call_from_thread(  # type: ignore[attr-defined]
                self.app.push_screen, ExpiryTimelineScreen(views, first_day))  # type: ignore[attr-defined]

        self.run_worker(work_, group="details", thread=True, exclusive=True,  # type: ignore[attr-defined]
                        exit_on_error=False)
