"""`services.status`: the header's glance and the `status` report, with the world's
FakeClock (the demo's South Campus expires 10 days after the world was built)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.services.test_tokens import add
from vpp_tui.services import settings, status, sync


@pytest.fixture
def synced(sqlite_world):  # noqa: ANN001, ANN201
    for name in ("North Campus", "South Campus"):
        add(sqlite_world, name)
        assert sync.sync_token(sqlite_world.ctx, name).status == "completed"
    return sqlite_world


def test_low_items_follow_the_threshold_and_item_overrides(synced) -> None:  # noqa: ANN001
    low = {(i.name, i.token) for i in status.low_items(synced.ctx)}
    assert ("Graphing Pro", "North Campus") in low  # 96 of 100 at 90 %
    assert ("Math Sprint", "North Campus") not in low  # 180 of 250
    graphing = next(i for i in status.low_items(synced.ctx) if i.name == "Graphing Pro")
    settings.set_setting(synced.ctx, "low_license_percent", "97", item=graphing.adam_id)
    assert "Graphing Pro" not in {i.name for i in status.low_items(synced.ctx)}


def test_glance_counts_low_apps_and_books_and_the_most_urgent_expiry(synced) -> None:  # noqa: ANN001
    seen = status.glance(synced.ctx)
    low = status.low_items(synced.ctx)
    assert seen.low_apps == sum(1 for i in low if i.product_type == "app") > 0
    assert seen.low_books == sum(1 for i in low if i.product_type == "book") > 0
    assert [n.token for n in seen.expiring] == ["South Campus"]
    assert seen.parts()[0] == "token South Campus expires in 10 days"
    assert seen.parts()[1] == (f"{seen.low_apps} apps and {seen.low_books} book"
                               f"{'s' if seen.low_books > 1 else ''} nearly out of licenses")
    assert seen.parts(short=True)[0] == "South Campus in 10 d"


def test_status_flags_an_expiring_token_every_day_as_the_token_list_does(synced) -> None:  # noqa: ANN001
    # One rule (`domain.tokens.needs_attention`): expiring soon needs attention every day of
    # the window; `notice_due` still marks the Jamf cadence's notice days.
    settings.set_setting(synced.ctx, "low_license_percent", "100")

    def reasons() -> list[str]:
        return [r for r in status.status_report(synced.ctx).reasons()
                if "South Campus" in r]

    assert reasons() == ["token South Campus expires in 10 days"]
    synced.clock.sleep(86400)
    assert reasons() == ["token South Campus expires in 9 days"]
    synced.clock.sleep(86400)
    assert reasons() == ["token South Campus expires in 8 days"]


def test_status_report_json_names_every_part(synced) -> None:  # noqa: ANN001
    doc = status.status_report(synced.ctx).as_json()
    assert set(doc) == {"healthy", "attention", "checked_at", "tokens", "low_on_licenses",
                        "waitlists", "reconciliation", "reconciliation_unreclaimable"}
    assert doc["healthy"] is False
    assert set(doc["reconciliation"]) == {"unmanaged_device", "departed_user",
                                          "foreign_client_user", "duplicate_license",
                                          "intended_not_held", "held_not_intended"}
    assert all(isinstance(n, int) for n in doc["reconciliation"].values())
    south = next(t for t in doc["tokens"] if t["name"] == "South Campus")
    assert (south["days_left"], south["notice_due"], south["next_notice_in_days"]) == (
        10, False, 1)
    assert south["last_sync_status"] == "completed" and south["last_sync_at"]


def test_status_is_healthy_with_nothing_to_report(sqlite_world) -> None:  # noqa: ANN001
    report = status.status_report(sqlite_world.ctx)
    assert report.reasons() == [] and not report.needs_attention
    sqlite_world.clock.sleep(timedelta(days=1).total_seconds())
    assert status.status_report(sqlite_world.ctx).as_json()["healthy"] is True
