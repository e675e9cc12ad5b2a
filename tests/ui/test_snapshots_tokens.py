"""What the Tokens section and its dialogs look like on the demo world at 120×34."""

from __future__ import annotations

from tests.ui.conftest import SIZE, select_token, settle, token_file


def steps(*keys: str, select: str | None = None):  # noqa: ANN201
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        if select:
            await select_token(pilot, select)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


class TestTokens:
    def test_triage_view(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=steps())

    def test_needs_attention_only(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps("n", "down", "down"))

    def test_details_panel(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps("enter", select="South Campus"))

    def test_delete_confirmation(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps("delete", select="Music B"))

    def test_take_control_confirmation(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps("c", select="Science Dept"))

    def test_settings_form_with_notification_url(self, snap_compare, demo_app, demo):  # noqa: ANN001
        from vpp_tui.services import notifications
        from vpp_tui.simulator.notify import Notifier

        demo[1].notifier = Notifier(post=lambda *_a: 200, delays=())
        notifications.register(demo[0], "North Campus", "https://mdm.example.com/vpp/notify")
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps("e", select="North Campus"))

    def test_settings_form_refusing_a_bad_notification_url(self, snap_compare, demo_app):  # noqa: ANN001
        async def run_before(pilot) -> None:  # noqa: ANN001
            await steps("e", select="North Campus")(pilot)
            pilot.app.screen.query_one("#edit-notify").focus()
            await steps(*"http://x/n", "enter")(pilot)

        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


class TestAddTokenWizard:
    def basics(self, demo, tmp_path) -> tuple[str, ...]:  # noqa: ANN001
        path = token_file(demo[1], "North Campus", tmp_path, "North_Campus_2.vpptoken")
        return ("a", *"North Campus 2", "tab", *"vpp-admin@appleid.contoso.edu", "tab", *path)

    def test_step_1_basics(self, snap_compare, demo_app, demo, tmp_path):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps(*self.basics(demo, tmp_path)))

    def test_step_1_errors(self, snap_compare, demo_app):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps("a", "tab", "tab", *"~/missing.vpptoken", "enter"))

    def test_step_2_settings(self, snap_compare, demo_app, demo, tmp_path):  # noqa: ANN001
        assert snap_compare(demo_app(), terminal_size=SIZE,
                            run_before=steps(*self.basics(demo, tmp_path), "enter"))

    def test_step_3_scope_tags(self, snap_compare, demo_app, demo, tmp_path):  # noqa: ANN001
        keys = (*self.basics(demo, tmp_path), "enter", "tab", "tab", "tab", "tab", "space",
                "enter", *"North")
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=steps(*keys))

    def test_step_4_review(self, snap_compare, demo_app, demo, tmp_path):  # noqa: ANN001
        keys = (*self.basics(demo, tmp_path), "enter", "tab", "tab", "tab", "tab", "space",
                "enter", *"North", "enter")
        assert snap_compare(demo_app(), terminal_size=SIZE, run_before=steps(*keys))
