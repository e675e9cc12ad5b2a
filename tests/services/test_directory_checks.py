"""A directory file is checked as a whole before anything is written (issue 9, item 1).

Each fault is reproduced on the demo world (600 users, licenses synced from Apple): a file
that holds nothing, or that would remove most of the directory, must change nothing, not
even call Apple. Both databases (`world` and `store` are parametrised over them).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from tests.services.licensing_helpers import north
from vpp_tui.apple.clock import FakeClock
from vpp_tui.services import directory, licensing, settings
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.directory import MassRemoval
from vpp_tui.services.directory.file import DirectoryFileUnusable
from vpp_tui.store import models as m

USER_COLUMNS = ("upn", "name", "managed_apple_id", "personal_apple_id", "active")


def users_csv(users: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, USER_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(users)
    return out.getvalue()


def state(world) -> tuple:  # noqa: ANN001
    """Everything an import or a reclaim could change, and how often Apple was called."""
    with world.ctx.store.session() as s:
        def n(model: type) -> int:
            return s.exec(select(func.count()).select_from(model)).one()

        managed = s.exec(select(func.count()).select_from(m.DirectoryDevice).where(
            m.DirectoryDevice.managed)).one()
        held = sorted((lic.asset_id, lic.member, lic.status)
                      for lic in s.exec(select(m.License)).all())
        audit = [(a.action, a.result) for a in s.exec(select(m.AuditEntry)).all()]
        return (n(m.DirectoryUser), managed, n(m.GroupMember), n(m.DirectoryGroup), held,
                audit, world.transport.count)


def dangling_members(store) -> list[tuple[str, str]]:  # noqa: ANN001
    """(group, member) rows naming a user or device the directory does not hold."""
    with store.session() as s:
        rows = s.exec(select(m.DirectoryGroup.name, m.DirectoryGroup.kind, m.GroupMember.member)
                      .join(m.GroupMember, m.GroupMember.group_id == m.DirectoryGroup.id)).all()
        users = set(s.exec(select(m.DirectoryUser.upn)).all())
        devices = set(s.exec(select(m.DirectoryDevice.serial)).all())
        orphans = s.exec(select(func.count()).select_from(m.GroupMember).where(
            m.GroupMember.group_id.notin_(select(m.DirectoryGroup.id)))).one()
    found = [(g, x) for g, kind, x in rows if x not in (users if kind == "user" else devices)]
    return found + [("<no group>", "?")] * orphans


@pytest.fixture
def ctx(store) -> ServiceContext:  # noqa: ANN001
    return ServiceContext(store=store, actor="ana", clock=FakeClock())


def small_doc(n: int = 20) -> dict:
    users = [{"upn": f"u{i:02d}@contoso.com", "name": f"User {i}"} for i in range(n)]
    devices = [{"serial": f"SER{i:04d}", "platform": "iPadOS"} for i in range(n)]
    return {"users": users, "devices": devices,
            "groups": [{"name": "Everyone", "kind": "user", "members": [u["upn"] for u in users]},
                       {"name": "Half", "kind": "user",
                        "members": [u["upn"] for u in users[: n // 2]]},
                       {"name": "iPads", "kind": "device",
                        "members": [d["serial"] for d in devices]}]}


# Files that hold nothing ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "filename", "kind", "said"), [
    ("", "empty.csv", "users", "empty.csv is empty"),
    (" \n\n", "empty.csv", "users", "empty.csv is empty"),
    ("", "empty.json", None, "empty.json is empty"),
])
def test_empty_users_file_is_an_error_and_changes_nothing(world, text, filename, kind, said):
    north(world)
    before = state(world)
    with pytest.raises(DirectoryFileUnusable, match=said):
        licensing.import_and_reclaim(world.ctx, text, filename=filename, kind=kind)
    assert state(world) == before


def test_header_only_csv_is_an_error_and_changes_nothing(world):
    north(world)
    before = state(world)
    with pytest.raises(DirectoryFileUnusable, match=r"users.csv:1: .*no records"):
        licensing.import_and_reclaim(world.ctx, users_csv([]), filename="users.csv",
                                     kind="users")
    assert state(world) == before


@pytest.mark.parametrize("doc", [{}, {"users": []}, {"users": [], "groups": []}])
def test_json_without_records_is_an_error(ctx, doc):
    directory.import_directory(ctx, json.dumps(small_doc()))
    with pytest.raises(DirectoryFileUnusable, match="no records"):
        directory.import_directory(ctx, json.dumps(doc), filename="d.json")
    assert directory.counts(ctx) == directory.DirectoryCounts(users=20, devices=20, groups=3)


# Broken quoting --------------------------------------------------------------------------

def test_unterminated_quote_is_an_error_naming_its_line(world):
    doc = north(world)
    lines = users_csv(doc["users"]).splitlines(keepends=True)
    lines[4] = lines[4].replace(",", ',"', 1)  # line 5 opens a quote it never closes
    before = state(world)
    with pytest.raises(DirectoryFileUnusable, match=r"users.csv:5: .*quote"):
        licensing.import_and_reclaim(world.ctx, "".join(lines), filename="users.csv",
                                     kind="users")
    assert state(world) == before


def test_quote_closed_lines_later_is_an_error_naming_its_line(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    text = users_csv(small_doc()["users"]).replace("User 3,", 'User 3",').replace(
        "u02@contoso.com,", 'u02@contoso.com,"')
    with pytest.raises(DirectoryFileUnusable, match=r"users.csv:4: .*quote"):
        directory.import_directory(ctx, text, filename="users.csv", kind="users")
    assert directory.counts(ctx).users == 20


def test_misplaced_quote_is_an_error_naming_its_line(ctx):
    text = 'upn,name\na@contoso.com,Ana\nb@contoso.com,"Bo" Li\n'
    with pytest.raises(DirectoryFileUnusable, match=r"users.csv:3: .*quot"):
        directory.import_directory(ctx, text, filename="users.csv", kind="users")
    assert directory.counts(ctx).users == 0


# Headers ---------------------------------------------------------------------------------

def test_groups_csv_without_members_column_is_an_error(world):
    doc = north(world)
    text = "name,kind\n" + "".join(f"{g['name']},{g['kind']}\n" for g in doc["groups"])
    before = state(world)
    with pytest.raises(DirectoryFileUnusable, match=r"groups.csv:1: .*'members'"):
        licensing.import_and_reclaim(world.ctx, text, filename="groups.csv", kind="groups")
    assert state(world) == before


@pytest.mark.parametrize(("text", "kind", "missing"), [
    ("name,email\nAna,ana@contoso.com\n", "users", "'upn'"),
    ("serial,name\nSER1,iPad\n", "devices", "'platform'"),
    ("upn,name\nana@contoso.com,Ana\n", "groups", "'kind', 'members'"),  # users as groups
])
def test_csv_without_a_required_column_is_an_error(ctx, text, kind, missing):
    with pytest.raises(DirectoryFileUnusable, match=rf"f.csv:1: .*{missing}"):
        directory.import_directory(ctx, text, filename="f.csv", kind=kind)
    assert directory.counts(ctx) == directory.DirectoryCounts(0, 0, 0)


def test_csv_header_naming_a_column_twice_is_an_error(ctx):
    """Found by a breaker: `…,managed_apple_id` repeated and blank emptied every user's
    Managed Apple ID with exit 0 (the last copy won)."""
    directory.import_directory(ctx, json.dumps(small_doc()))
    text = users_csv(small_doc()["users"]).replace("active\n", "active,name\n", 1)
    text = "".join(line + ("," if i else "") + "\n"
                   for i, line in enumerate(text.splitlines()))
    with pytest.raises(DirectoryFileUnusable, match=r"users.csv:1: .*'name' twice"):
        directory.import_directory(ctx, text, filename="users.csv", kind="users")
    assert directory.counts(ctx).users == 20


@pytest.mark.parametrize("bad", ["short", "long"])
def test_csv_row_with_the_wrong_number_of_values_is_an_error(ctx, bad):
    """A row cut short blanked the missing fields with exit 0; one with a stray comma
    shifted values into the wrong columns."""
    directory.import_directory(ctx, json.dumps(small_doc()))
    lines = users_csv(small_doc()["users"]).splitlines(keepends=True)
    upn = lines[3].split(",")[0]
    lines[3] = f"{upn},Cut\n" if bad == "short" else lines[3].rstrip("\n") + ",extra\n"
    with pytest.raises(DirectoryFileUnusable, match=r"users.csv:4: this row has"):
        directory.import_directory(ctx, "".join(lines), filename="users.csv", kind="users")
    assert directory.counts(ctx).users == 20


def test_csv_rows_with_trailing_empty_values_are_accepted(ctx):
    text = "upn,name\na@contoso.com,Ana,\nb@contoso.com,Bo,,\n"
    directory.import_directory(ctx, text, filename="users.csv", kind="users")
    assert directory.counts(ctx).users == 2


# Mass removal ----------------------------------------------------------------------------

def test_mass_removal_is_refused_with_the_counts(world):
    doc = north(world)
    before = state(world)
    kept = doc["users"][:60]
    with pytest.raises(MassRemoval) as caught:
        licensing.import_and_reclaim(world.ctx, users_csv(kept), filename="users.csv",
                                     kind="users")
    over = {r.what: (r.removed, r.total, r.percent) for r in caught.value.removals}
    assert over["users"] == (540, 600, 90)
    assert over["group_members"][0] > 0
    assert "540 of 600 users (90 %)" in caught.value.message
    after = state(world)
    assert after[:-2] == before[:-2] and after[-1] == before[-1]  # nothing, Apple not called
    assert after[-2] == [*before[-2], ("directory.import", "failed")]  # the refusal, audited


def test_allow_mass_removal_proceeds(world):
    doc = north(world)
    kept = doc["users"][:60]
    update = licensing.import_and_reclaim(world.ctx, users_csv(kept), filename="users.csv",
                                          kind="users", allow_mass_removal=True)
    assert update.imported.removed_users == 540
    assert update.imported.removed_memberships > 0
    assert directory.counts(world.ctx).users == 60
    assert dangling_members(world.ctx.store) == []
    with world.ctx.store.session() as s:
        entry = s.exec(select(m.AuditEntry).where(
            m.AuditEntry.action == "directory.import")).all()[-1]
    assert entry.result == "ok" and "mass removal allowed" in (entry.detail or "")


def test_small_removal_under_the_floor_is_allowed(ctx):
    directory.import_directory(ctx, json.dumps(small_doc(3)))
    doc = small_doc(3)
    doc["users"].pop()
    doc["groups"] = [{**g, "members": [x for x in g["members"] if x != "u02@contoso.com"]}
                     for g in doc["groups"]]
    result = directory.import_directory(ctx, json.dumps(doc))  # 1 of 3: 33 %, under the floor
    assert result.removed_users == 1


def test_removal_limit_comes_from_the_store_setting(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    half = small_doc()["users"][:10]
    with pytest.raises(MassRemoval):
        directory.import_directory(ctx, users_csv(half), filename="u.csv", kind="users")
    settings.set_setting(ctx, "directory_max_removal_percent", 60)
    directory.import_directory(ctx, users_csv(half), filename="u.csv", kind="users")
    assert directory.counts(ctx).users == 10


def test_max_removal_percent_overrides_the_setting(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    half = small_doc()["users"][:10]
    with pytest.raises(MassRemoval):
        directory.import_directory(ctx, users_csv(half), filename="u.csv", kind="users",
                                   max_removal_percent=49)
    directory.import_directory(ctx, users_csv(half), filename="u.csv", kind="users",
                               max_removal_percent=50)
    assert directory.counts(ctx).users == 10


def test_users_made_inactive_count_as_removed(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    users = [{**u, "active": "false"} for u in small_doc()["users"]]
    with pytest.raises(MassRemoval, match="20 of 20 users"):
        directory.import_directory(ctx, users_csv(users), filename="u.csv", kind="users")


def test_devices_leaving_management_count_as_removed(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    with pytest.raises(MassRemoval, match="18 of 20 devices"):
        directory.import_directory(ctx, "serial,platform\nSER0000,iPadOS\nSER0001,iPadOS\n",
                                   filename="d.csv", kind="devices")
    with ctx.store.session() as s:
        assert all(d.managed for d in s.exec(select(m.DirectoryDevice)).all())


def test_group_members_lost_count_as_removed(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    text = "name,kind,members\nEveryone,user,\nHalf,user,\niPads,device,\n"
    with pytest.raises(MassRemoval, match="50 of 50 group members"):
        directory.import_directory(ctx, text, filename="g.csv", kind="groups")
    with ctx.store.session() as s:
        assert s.exec(select(func.count()).select_from(m.GroupMember)).one() == 50


# Group members and foreign keys ----------------------------------------------------------

def test_removed_users_leave_no_dangling_group_members(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    kept = small_doc()["users"][1:-1]  # two users leave; the groups are not in this file
    result = directory.import_directory(ctx, users_csv(kept), filename="u.csv", kind="users")
    assert result.removed_users == 2 and result.removed_memberships == 3
    assert dangling_members(ctx.store) == []
    assert "3 group members" in result.summary()


def test_no_dangling_group_members_after_any_import(ctx):
    doc = small_doc()
    steps = [
        json.dumps(doc),
        json.dumps({"users": doc["users"][:19]}),
        json.dumps({"groups": [{**g, "members": g["members"][:5]} for g in doc["groups"]]}),
        json.dumps({"users": doc["users"][:17], "groups": doc["groups"][2:]}),
        json.dumps({"devices": doc["devices"][:19]}),
        json.dumps(doc),
    ]
    for step in steps:
        directory.import_directory(ctx, step, allow_mass_removal=True)
        assert dangling_members(ctx.store) == [], step[:60]


def test_foreign_keys_are_enforced_on_both_databases(ctx):
    with ctx.store.session() as s:
        if ctx.store.engine.dialect.name == "sqlite":
            assert s.execute(sql("PRAGMA foreign_keys")).scalar() == 1
    with pytest.raises(IntegrityError), ctx.store.session() as s:
        s.add(m.GroupMember(group_id=999_999, member="ghost@contoso.com"))
        s.flush()
    directory.import_directory(ctx, json.dumps(small_doc()))
    directory.import_directory(ctx, json.dumps({"groups": small_doc()["groups"][:1]}),
                               allow_mass_removal=True)  # two groups go, and their members
    assert dangling_members(ctx.store) == []


def test_blank_active_cell_keeps_the_user_active(ctx):
    directory.import_directory(ctx, "upn,name,active\na@contoso.com,Ana,\nb@contoso.com,Bo,no\n",
                               filename="u.csv", kind="users")
    with ctx.store.session() as s:
        active = dict(s.exec(select(m.DirectoryUser.upn, m.DirectoryUser.active)).all())
    assert active == {"a@contoso.com": True, "b@contoso.com": False}


def test_members_left_dangling_by_an_older_import_are_dropped_not_counted(ctx):
    directory.import_directory(ctx, json.dumps(small_doc()))
    with ctx.store.session() as s:  # as main's users-only import left them
        everyone = s.exec(select(m.DirectoryGroup).where(m.DirectoryGroup.name == "Everyone")).one()
        s.add_all(m.GroupMember(group_id=everyone.id, member=f"gone{i}@contoso.com")
                  for i in range(30))
    result = directory.import_directory(ctx, users_csv(small_doc()["users"]),
                                        filename="u.csv", kind="users")
    assert result.removed_users == 0 and result.removed_memberships == 30
    assert dangling_members(ctx.store) == []
