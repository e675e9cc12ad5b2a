"""domain.sync: what a sync reads from Apple (issue 13, apple-api.md §3.2, §9.1)."""

from __future__ import annotations

from vpp_tui.domain.sync import KnownAsset, assets_unchanged, metadata_lookups

US = KnownAsset("US", False)


def test_assets_unchanged_only_when_the_stored_version_is_apples_and_not_full() -> None:
    assert assets_unchanged("v1", "v1", full=False)
    assert not assets_unchanged("v1", "v2", full=False)
    assert not assets_unchanged("v1", "v1", full=True)
    assert not assets_unchanged(None, "v1", full=False)
    assert not assets_unchanged("v1", None, full=False)


def test_metadata_lookups_on_a_delta_are_new_assets_only() -> None:
    known = {"1": US, "2": US}
    assert metadata_lookups([], known, "US", full=False) == []
    assert metadata_lookups(["1", "2", "3"], known, "us", full=False) == ["3"]


def test_metadata_lookups_after_a_country_change_reread_the_stored_assets() -> None:
    known = {"1": US, "2": KnownAsset("US", True), "3": KnownAsset(None, True)}
    assert metadata_lookups([], known, "FR", full=False) == ["1"]


def test_metadata_lookups_on_the_daily_full_refresh_are_every_listed_asset() -> None:
    assert metadata_lookups(["2", "1", "1"], {"1": US}, "US", full=True) == ["1", "2"]
