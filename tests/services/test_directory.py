"""Directory import (cli.md "Directory files"): validate everything, then write in one go."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from vpp_tui.apple.clock import FakeClock
from vpp_tui.services import directory
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.directory.file import DirectoryFileError
from vpp_tui.store import models as m

DOC = {
    "users": [
        {"upn": "ana@contoso.com", "name": "Ana Ruiz",
         "managed_apple_id": "ana@appleid.contoso.com", "personal_apple_id": False,
         "active": True},
        {"upn": "bo@contoso.com", "name": "Bo Li"},
    ],
    "devices": [
        {"serial": "F9FXK2ABCD12", "name": "Ana's iPad", "platform": "iPadOS",
         "ownership": "corporate", "supervised": True, "enrollment": "automated",
         "kiosk": False, "app_store_blocked": False, "primary_user": "ana@contoso.com",
         "managed": True, "unknown_field": "ignored"},
        {"serial": "C02MAC000001", "platform": "macOS"},
    ],
    "groups": [
        {"name": "Sales iPads", "kind": "device", "members": ["F9FXK2ABCD12"]},
        {"name": "Sales", "kind": "user", "members": ["ana@contoso.com", "bo@contoso.com"]},
    ],
}


@pytest.fixture
def ctx(store) -> ServiceContext:  # noqa: ANN001
    return ServiceContext(store=store, actor="ana", clock=FakeClock())


def rows(ctx: ServiceContext, model: type) -> list:
    with ctx.store.session() as s:
        return list(s.exec(select(model)).all())


def test_directory_import_reads_users_devices_and_groups(ctx) -> None:  # noqa: ANN001
    result = directory.import_directory(ctx, json.dumps(DOC, indent=2))
    assert result.added == {"users": 2, "devices": 2, "groups": 2}
    device = next(d for d in rows(ctx, m.DirectoryDevice) if d.serial == "F9FXK2ABCD12")
    assert (device.platform, device.supervised, device.enrollment) == ("iPadOS", True, "automated")
    assert directory.counts(ctx) == directory.DirectoryCounts(users=2, devices=2, groups=2)
    assert rows(ctx, m.AuditEntry)[-1].action == "directory.import"


def test_malformed_import_reports_every_bad_line_and_writes_nothing(ctx) -> None:  # noqa: ANN001
    bad = json.loads(json.dumps(DOC))
    bad["users"][1].pop("upn")
    bad["devices"][1]["platform"] = "Android"
    bad["devices"][0]["supervised"] = "maybe"
    text = json.dumps(bad, indent=2)
    with pytest.raises(DirectoryFileError) as caught:
        directory.import_directory(ctx, text, filename="dir.json")
    problems = caught.value.problems
    assert len(problems) == 3
    lines = text.splitlines()
    for problem in problems:
        number = int(problem.split(":")[1])
        assert lines[number - 1].strip() == "{", problem
    assert any("missing required field 'upn'" in p for p in problems)
    assert any("'platform' must be one of iOS, iPadOS, macOS" in p for p in problems)
    assert rows(ctx, m.DirectoryUser) == [] and rows(ctx, m.AuditEntry) == []


def test_invalid_json_names_the_line(ctx) -> None:  # noqa: ANN001
    with pytest.raises(DirectoryFileError) as caught:
        directory.import_directory(ctx, '{"users": [\n{"upn": "a@b.c",}\n]}', filename="d.json")
    assert caught.value.problems[0].startswith("d.json:2: not valid JSON")


def test_group_member_unknown_to_the_directory_is_an_error(ctx) -> None:  # noqa: ANN001
    bad = json.loads(json.dumps(DOC))
    bad["groups"][1]["members"].append("ghost@contoso.com")
    with pytest.raises(DirectoryFileError, match="1 bad records"):
        directory.import_directory(ctx, json.dumps(bad))
    assert rows(ctx, m.DirectoryGroup) == []


def test_reimport_detects_users_who_left_the_company_or_a_group(ctx) -> None:  # noqa: ANN001
    directory.import_directory(ctx, json.dumps(DOC))
    later = json.loads(json.dumps(DOC))
    later["users"] = [later["users"][0]]
    later["groups"][1]["members"] = ["ana@contoso.com"]
    result = directory.import_directory(ctx, json.dumps(later))
    assert result.removed_users == 1
    reasons = {(d.member, d.group) for d in result.departures}
    assert ("bo@contoso.com", None) in reasons and ("bo@contoso.com", "Sales") in reasons


def test_device_removed_from_management_is_kept_as_unmanaged(ctx) -> None:  # noqa: ANN001
    directory.import_directory(ctx, json.dumps(DOC))
    later = json.loads(json.dumps(DOC))
    later["devices"] = [later["devices"][0]]
    result = directory.import_directory(ctx, json.dumps(later))
    assert result.unmanaged_devices == 1
    mac = next(d for d in rows(ctx, m.DirectoryDevice) if d.serial == "C02MAC000001")
    assert mac.managed is False


def test_csv_import_takes_one_kind_with_semicolon_separated_members(ctx) -> None:  # noqa: ANN001
    directory.import_directory(ctx, json.dumps({"users": DOC["users"]}))
    text = "name,kind,members\nSales,user,ana@contoso.com;bo@contoso.com\n"
    result = directory.import_directory(ctx, text, filename="groups.csv", kind="groups")
    assert result.added["groups"] == 1
    assert len(rows(ctx, m.GroupMember)) == 2


def test_csv_bad_line_is_named_by_its_number(ctx) -> None:  # noqa: ANN001
    text = "serial,platform\nAAA1,iOS\nBBB2,Windows\n"
    with pytest.raises(DirectoryFileError) as caught:
        directory.import_directory(ctx, text, filename="d.csv", kind="devices")
    assert caught.value.problems[0].startswith("d.csv:3: devices:")


def test_directory_import_refreshes_postgresql_statistics(ctx) -> None:  # noqa: ANN001
    """After an import PostgreSQL has fresh statistics of the directory tables (a plan
    read right after a 100k-member import joined row by row without them: issue 13);
    SQLite plans without statistics and is left alone."""
    from sqlalchemy import text

    directory.import_directory(ctx, json.dumps(DOC))
    if ctx.store.dialect != "postgresql":
        return
    with ctx.store.reading() as connection:
        analyzed = dict(connection.execute(text(
            "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname IN ('directory_users', 'directory_devices', 'directory_groups', "
            "'group_members')")).all())
    assert analyzed == dict.fromkeys(directory.DIRECTORY_TABLES, True)
