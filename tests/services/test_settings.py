"""Settings change behaviour as their preview said (issue 10), on both databases (`world`).

Each test previews a change (`services.settings.preview.preview`), saves it, then runs the
behaviour itself and compares: what happens is what the preview said.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy import text as sql
from sqlmodel import select

from tests.services.licensing_helpers import NORTH, asset, north
from tests.services.test_tokens import add
from vpp_tui.services import audit, catalog, directory, licensing, settings, sync, tokens
from vpp_tui.services.access import AccessDenied, admin
from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.settings.preview import preview
from vpp_tui.store import models as m


def _set(world, key, value, item=None):  # noqa: ANN001, ANN202
    shown = preview(world.ctx, key, value, item)
    settings.set_setting(world.ctx, key, value, item=item)
    return shown


def test_reclaim_on_removal_off_keeps_licenses_as_previewed(world):
    north(world)
    assigned = licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required",
                                      license_type="device")
    assert assigned.licensed > 0
    used_before = asset(world, "Field Notes").assigned
    shown = _set(world, "reclaim_on_removal", "off")
    row = next(r for r in shown.effect["assignments"]
               if r["item"] == "Field Notes" and r["group"] == "Exam iPads")
    kept = row["reclaimed_now"] - row["reclaimed_after"]
    assert kept == assigned.licensed
    assert any(f"removing Exam iPads from Field Notes keeps {kept} licenses" in line
               for line in shown.lines)
    result = licensing.apply_unassign(world.ctx, "Field Notes", "Exam iPads")
    assert result.reclaimed == row["reclaimed_after"] == 0
    assert asset(world, "Field Notes").assigned == used_before


def test_reclaim_on_removal_on_reclaims_as_previewed(world):
    north(world)
    assigned = licensing.apply_assign(world.ctx, "Field Notes", "Exam iPads", "required",
                                      license_type="device")
    shown = preview(world.ctx, "reclaim_on_removal", "on")
    row = next(r for r in shown.effect["assignments"] if r["group"] == "Exam iPads")
    result = licensing.apply_unassign(world.ctx, "Field Notes", "Exam iPads")
    assert result.reclaimed == row["reclaimed_after"] == assigned.licensed


def test_sync_interval_due_tokens_equal_the_preview(world):
    north(world)
    add(world, "South Campus")
    sync.sync_token(world.ctx, "South Campus")
    world.clock.advance(13 * 3600)  # past the 2020 interval (12 h), short of 24 h
    shown = _set(world, "sync_interval_hours", 24)
    assert len(shown.effect["due_now"]) == 2
    assert "0 tokens are due now instead of 2" in shown.lines[0]
    results = sync.sync_all(world.ctx, due_only=True)
    assert [r.name for r in results] == shown.effect["due_after"] == []
    shown = _set(world, "sync_interval_hours", 6)
    results = sync.sync_all(world.ctx, due_only=True)
    assert sorted(r.name for r in results) == sorted(shown.effect["due_after"])


def test_expiring_window_tokens_equal_the_preview(world):
    add(world, "North Campus")
    add(world, "South Campus")
    shown = _set(world, "expiring_soon_days", 365)
    expiring = [v.name for v in tokens.list_tokens(world.ctx) if v.state == "expiring_soon"]
    assert expiring == shown.effect["expiring_after"]
    assert len(expiring) > len(shown.effect["expiring_now"])
    assert "more tokens show as expiring" in shown.lines[0]


def test_low_license_threshold_flags_equal_the_preview(world):
    north(world)
    shown = _set(world, "low_license_percent", 1)
    flagged = [f"{v.name} ({v.token})" for v in catalog.list_assets(
        world.ctx, books=None, limit=None).rows if v.low_on_licenses]
    assert flagged == shown.effect["flagged_after"]
    assert len(flagged) >= len(shown.effect["flagged_now"])


def test_low_license_item_override_flags_only_that_item(world):
    north(world)
    settings.set_setting(world.ctx, "low_license_percent", 100)
    rows = catalog.list_assets(world.ctx, books=None, limit=None).rows
    item = next(v for v in rows if 0 < v.used < v.total and not v.unlimited)
    shown = _set(world, "low_license_percent", 1, item=item.adam_id)
    flagged = [f"{v.name} ({v.token})" for v in catalog.list_assets(
        world.ctx, books=None, limit=None).rows if v.low_on_licenses]
    assert flagged == shown.effect["flagged_after"]
    assert set(flagged) - set(shown.effect["flagged_now"]) == {f"{item.name} ({NORTH})"}
    assert catalog.resolve_item(world.ctx, item.adam_id).as_json()["low_on_licenses"]


def _users(n: int) -> str:
    return json.dumps({"users": [{"upn": f"u{i:02d}@x.org", "name": f"U{i}"}
                                 for i in range(n)]})


def test_removal_limit_import_is_refused_or_allowed_as_previewed(world):
    directory.import_directory(world.ctx, _users(40))
    shown = _set(world, "directory_max_removal_percent", 20)
    allowed = shown.effect["users"]["allowed_after"]
    assert (shown.effect["users"]["total"], shown.effect["users"]["allowed_now"],
            allowed) == (40, 5, 8)
    with pytest.raises(directory.MassRemoval):
        directory.import_directory(world.ctx, _users(40 - allowed - 1))
    directory.import_directory(world.ctx, _users(40 - allowed))
    shown = _set(world, "directory_removal_floor", 10)
    assert shown.effect["users"]["allowed_after"] == 10
    directory.import_directory(world.ctx, _users(32 - 10))


@pytest.mark.parametrize(("key", "value", "said"), [
    ("sync_interval_hours", "abc", "whole number from 1 to 168"),
    ("sync_interval_hours", None, "whole number from 1 to 168"),
    ("sync_interval_hours", -1, "whole number from 1 to 168"),
    ("sync_interval_hours", "1e400", "whole number from 1 to 168"),
    ("sync_interval_hours", True, "whole number from 1 to 168"),
    ("expiring_soon_days", 0, "from 1 to 365"),
    ("low_license_percent", 101, "from 1 to 100"),
    ("directory_removal_floor", -3, "from 0 to"),
    ("reclaim_on_removal", "maybe", "on or off"),
    ("theme", "hot-pink", "one of"),
    ("no_such_setting", 1, "there is no setting"),
])
def test_bad_value_is_refused_with_one_line_and_changes_nothing(world, key, value, said):
    with pytest.raises(InvalidInput) as refused:
        settings.set_setting(world.ctx, key, value)
    assert said in refused.value.message and "\n" not in refused.value.message
    with world.ctx.store.session() as s:
        assert s.exec(select(m.Setting)).all() == []


def test_setting_set_is_audited_with_old_and_new(world):
    settings.set_setting(world.ctx, "sync_interval_hours", "24")
    entry = audit.list_entries(world.ctx, limit=1)[0]
    assert (entry.action, entry.target, entry.detail) == (
        "setting.set", "sync_interval_hours", "12 → 24")
    assert settings.get_setting(world.ctx, "sync_interval_hours") == 24


def test_setting_update_needs_settings_update_permission(world):
    admin.create_role(world.ctx, "Readers of settings", ["settings.read"])
    admin.grant(world.ctx, "intern", "Readers of settings", all_scopes=True)
    intern = replace(world.ctx, actor="intern")
    assert settings.list_settings(intern)
    with pytest.raises(AccessDenied, match="settings.update"):
        settings.set_setting(intern, "sync_interval_hours", 24)
    assert settings.get_setting(world.ctx, "sync_interval_hours") == 12


@pytest.mark.parametrize(("key", "stored", "default"), [
    ("sync_interval_hours", '"abc"', 12),
    ("expiring_soon_days", "null", 30),
    ("directory_removal_floor", "-4", 5),
    ("directory_max_removal_percent", '"ten"', 10),
    ("reclaim_on_removal", '"maybe"', True),
    ("low_license_percent", "1e400", 90),
])
def test_broken_stored_setting_falls_back_to_the_default_and_says_so(world, key, stored,
                                                                     default):
    north(world)
    with world.ctx.store.session() as s:
        s.execute(sql("INSERT INTO settings (key, value, updated_at, updated_by) "
                      "VALUES (:k, :v, CURRENT_TIMESTAMP, 'breaker')"),
                  {"k": key, "v": stored})
    assert settings.get_setting(world.ctx, key) == default
    assert any(key in n and "using the default" in n for n in world.ctx.notices)
    # The readers that tracebacked before: removal rule, token views, sync, directory.
    assert licensing.removal_settings(world.ctx).reclaim_on_removal is True
    assert tokens.list_tokens(world.ctx)
    assert sync.due_tokens(world.ctx) is not None
    assert directory.removal_limit(world.ctx).floor >= 0
    assert catalog.list_assets(world.ctx, books=None).rows
    view = next(v for v in settings.list_settings(world.ctx) if v.key == key)
    assert view.value == default and view.problem
