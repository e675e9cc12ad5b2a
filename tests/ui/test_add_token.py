"""The add-token wizard: four steps, errors under the field, create through the service."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.conftest import SIZE, settle, table_keys, token_file
from tests.ui.demo_world import demo_context
from vpp_tui.services import tokens
from vpp_tui.ui.app import VppApp
from vpp_tui.ui.screens.tokens.add import AddTokenWizard


@pytest.fixture
def empty_world(tmp_path):  # noqa: ANN001, ANN201
    ctx, simulator = demo_context(tmp_path, seed=False)
    yield ctx, simulator
    ctx.store.close()


def text_of(app, selector: str) -> str:  # noqa: ANN001
    return str(app.screen.query_one(selector, Static).render())


async def fill_basics(pilot, path: str) -> None:  # noqa: ANN001
    await pilot.press("a")
    await pilot.pause()
    await pilot.press(*"North", "tab", *"vpp-admin@appleid.contoso.edu", "tab", *path)
    await settle(pilot)


async def test_wizard_walks_four_steps_and_creates_the_token(empty_world, tmp_path):
    ctx, simulator = empty_world
    path = token_file(simulator, "North Campus", tmp_path)
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill_basics(pilot, path)
        assert isinstance(app.screen, AddTokenWizard)
        assert "✓ Contoso Schools" in text_of(app, ".file-note")
        await pilot.press("enter")
        await settle(pilot)  # the file is checked with Apple
        assert app.screen.step == 2
        await pilot.press("tab", "backspace", "backspace", *"FR", "tab", "down", "space",
                          "tab", "space", "tab", "space", "enter")
        assert app.screen.step == 3
        await pilot.press(*"North, Schools", "enter")
        assert app.screen.step == 4
        review = text_of(app, "#review")
        assert "FR" in review and "education" in review and "North, Schools" in review
        assert "North Campus" in review  # the location Apple named at step 1
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, AddTokenWizard)
        assert table_keys(app) == ["North"]
    view = tokens.get_token(ctx, "North").token
    assert (view.country, view.account_type, view.auto_update) == ("FR", "education", True)
    assert set(view.scope_tags) == {"North", "Schools"}


async def test_step_one_shows_each_error_under_its_field_and_stays(empty_world, tmp_path):
    ctx, _sim = empty_world
    (tmp_path / "bad.vpptoken").write_text("e30=", encoding="utf-8")  # base64 of {}
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        assert app.screen.step == 1
        assert "name" in text_of(app, "#err-name")
        assert "Apple ID" in text_of(app, "#err-apple-id")
        await pilot.press("tab", "tab", *"~/bad.vpptoken")
        await settle(pilot)
        assert text_of(app, ".file-note").startswith("✗")
        await pilot.press("enter")
        assert app.screen.step == 1


async def test_settings_step_requires_consent(empty_world, tmp_path):
    ctx, simulator = empty_world
    path = token_file(simulator, "North Campus", tmp_path)
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill_basics(pilot, path)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        assert app.screen.step == 2
        assert "consent" in text_of(app, "#err-consent")


async def test_a_refusal_stays_on_the_review_step_and_escape_cancels(empty_world, tmp_path):
    ctx, simulator = empty_world
    path = token_file(simulator, "North Campus", tmp_path)
    tokens.add_token(ctx, tokens.NewToken(
        name="North", apple_id="a@b.example", consent=True,
        content=(tmp_path / path[2:]).read_text(encoding="utf-8")))
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill_basics(pilot, path)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab", "tab", "space", "enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AddTokenWizard) and app.screen.step == 4
        assert text_of(app, "#wizard-error").startswith("✗")
        await pilot.press("ctrl+b")
        assert app.screen.step == 3
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AddTokenWizard)
    assert [v.name for v in tokens.list_tokens(ctx)] == ["North"]


def audit_of(ctx) -> list[tuple[str, str, str]]:  # noqa: ANN001
    from vpp_tui.services.audit import list_entries

    return [(e.action, e.target, e.result) for e in list_entries(ctx)]


@pytest.mark.parametrize(("location", "exc_type"), [
    ("Library", tokens.TokenRefused), ("Old Annex", tokens.TokenFileExpired)])
async def test_wizard_refuses_at_the_file_step_what_add_refuses(empty_world, tmp_path,
                                                                location, exc_type):
    ctx, simulator = empty_world
    path = token_file(simulator, location, tmp_path)
    content = (tmp_path / path[2:]).read_bytes()
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill_basics(pilot, path)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AddTokenWizard) and app.screen.step == 1
        shown = text_of(app, ".file-note")
        await pilot.press("enter")  # again: still refused, nothing more asked of Apple
        await settle(pilot)
        assert app.screen.step == 1
    assert tokens.list_tokens(ctx) == []
    assert audit_of(ctx) == [("token.add", "North", "refused")]
    ctx.cancel.clear()  # closing the console cancels its work; the CLI's is a new one
    with pytest.raises(exc_type) as caught:  # the CLI's `token add` says the same
        tokens.add_token(ctx, tokens.NewToken(name="North", apple_id="a@b.example",
                                              consent=True, content=content))
    assert shown == "✗ " + caught.value.message


async def test_wizard_shows_an_expired_file_at_once(empty_world, tmp_path):
    ctx, simulator = empty_world
    path = token_file(simulator, "Old Annex", tmp_path)
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill_basics(pilot, path)
        assert text_of(app, ".file-note").startswith("✗ Contoso Schools · expired on")


async def test_wizard_accepts_a_token_file_saved_in_utf16(empty_world, tmp_path):
    ctx, simulator = empty_world
    content = next(f.content for f in simulator.token_files()
                   if f.location_name == "North Campus")
    (tmp_path / "North16.vpptoken").write_text(content + "\r\n", encoding="utf-16")
    app = VppApp(ctx, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await fill_basics(pilot, "~/North16.vpptoken")
        assert "✓ Contoso Schools" in text_of(app, ".file-note")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.step == 2
