"""A model-based test of the license ledger (issue 8): random admin work against the simulator.

`LedgerMachine` drives the services as the CLI does, in random order, on the small world of
`tests.invariants.world` (one location, two token files of it, an app with 2 licenses, a
book with 3, four users, three iPads; it starts with token A synced and the app assigned to
the four users, so two hold it and two wait), and lets the simulated Apple change things behind
the console's back (purchases, another MDM claiming the location, a renewal whose new file
Apple still reports with the old expiry).

Rules: assign (item, group, intent, license type, token), unassign, revoke by item, by user
and by device, purchase at Apple, a user leaves the company, a user leaves a group, a device
leaves management (each import followed by reclaiming from departures, as the CLI does),
delta and full sync of a token, adding the duplicate token of the location, another MDM
claiming the location, take control, renewing a token. A service may refuse
(`ServiceError`): that is a legal outcome; any other exception fails the test.

Invariants (checked after every step unless said otherwise):
  ledger_matches_apple: for every (location, adamId, pricingParam) the store's licensed rows
      (serials and clientUserIds, across every token of the location) equal the simulator's
      assignments.
  used_plus_available_is_total: on every asset row; right after a completed sync the
      token's (total, assigned, available) also equal Apple's (purchases are only known to
      the store after a sync).
  nobody_licensed_and_waitlisted: no member is both, for one item across the tokens.
  waitlist_served_when_licenses_free: right after a completed sync (sync serves the
      waitlist), if Apple has licenses free for the first member in line, nobody waits.
  waitlist_first_come_first_served: nobody gets a license in a step while a member who was
      already waiting for the item before that step still waits after it.
  no_write_after_foreign_mdm: no write (POST; a /client/config claim by take-control
      excepted) reaches Apple for a location after a response showed another MDM's
      `mdmInfo.id`, until a response shows this installation's id again (take control).
  foreign_owner_is_shown: a token whose own last response showed another MDM's `mdmInfo`
      is in state `assigned_to_external_mdm`.
  licenses_used_as_planned: Apple's assigned count of an item equals the licenses the
      store's holders use (2 for a user with a personal and a Managed Apple ID).
  one_apple_user_per_person: a person has at most one live Apple user per location (two
      for a user with a personal and a Managed Apple ID): clientUserIds are per
      installation, not per token.

Bounded for CI: `derandomize=True` (the same examples every run, no example database),
MAX_EXAMPLES examples (PG_EXAMPLES on PostgreSQL) of at most STEPS steps.
`LEDGER_EXAMPLES`, `LEDGER_PG_EXAMPLES`, `LEDGER_STEPS`
and `LEDGER_RANDOM=1` (fresh random examples instead of the fixed ones) widen a local search;
`LEDGER_INVARIANTS=name,name` checks only the named invariants (to see each one's shortest
failing sequence).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tests.invariants import observe
from tests.invariants.world import (
    APP,
    APPLE_ID,
    BOOK,
    GROUPS,
    LOCATION_UID,
    SERIALS,
    TOKENS,
    USERS,
    make_ledger_world,
)
from vpp_tui.services import directory, licensing, sync, tokens
from vpp_tui.services.apple_link import installation_id
from vpp_tui.services.errors import ServiceError
from vpp_tui.store.engine import Store, open_store

MAX_EXAMPLES = int(os.environ.get("LEDGER_EXAMPLES", "15"))
# PostgreSQL's commits cost more; it runs the first examples of the same fixed sequence.
PG_EXAMPLES = int(os.environ.get("LEDGER_PG_EXAMPLES", "8"))
STEPS = int(os.environ.get("LEDGER_STEPS", "15"))
RANDOM = os.environ.get("LEDGER_RANDOM") == "1"
ONLY = {n.strip() for n in os.environ.get("LEDGER_INVARIANTS", "").split(",") if n.strip()}

ITEMS = st.sampled_from([APP, BOOK])
TOKEN = st.integers(0, 1)
# (item, group, intent, license type): mostly what an admin would do, a few refusals.
ASSIGNMENTS = st.sampled_from([
    (APP, "Class", "required", "user"), (APP, "Pair", "available", "user"),
    (APP, "iPads", "required", "device"), (APP, "iPads", "required", "user"),
    (BOOK, "Class", "available", "user"), (BOOK, "Pair", "required", "user"),
    (APP, "Class", "uninstall", "user"), (APP, "iPads", "uninstall", "device"),
    (BOOK, "iPads", "required", "device"), (APP, "iPads", "available", "device")])
PLACES = st.sampled_from([(APP, "Class"), (APP, "Pair"), (APP, "iPads"), (BOOK, "Class"),
                          (BOOK, "Pair")])
USER = st.sampled_from(USERS)
SERIAL = st.sampled_from(SERIALS)


def _action(name: str, *args: st.SearchStrategy) -> st.SearchStrategy:
    return st.tuples(st.just(name), *args)


# One rule draws the step, so every example can mix every kind of step (hypothesis would
# otherwise switch whole rules off per example, and most examples repeat one rule).
ACTIONS = st.one_of(
    _action("assign", ASSIGNMENTS, TOKEN), _action("unassign", PLACES, TOKEN),
    _action("revoke_item", ITEMS, TOKEN), _action("revoke_user", USER),
    _action("revoke_device", SERIAL), _action("sync", TOKEN, st.booleans()),
    _action("add_duplicate_token"), _action("take_control", TOKEN),
    _action("renew_with_stale_expiry", TOKEN), _action("user_leaves_company", USER),
    _action("user_leaves_group", USER, st.sampled_from(GROUPS[:2])),
    _action("device_unmanaged", SERIAL), _action("purchase", ITEMS, st.integers(1, 2)),
    _action("other_mdm_claims"))


def checking(name: str) -> bool:
    return not ONLY or name in ONLY


def _fail(name: str, problems: list[str]) -> None:
    assert not problems, f"{name}: " + "; ".join(problems)


class LedgerMachine(RuleBasedStateMachine):
    store: Store
    key_file: str

    @initialize()
    def start(self) -> None:
        observe.wipe(self.store)
        self.world = make_ledger_world(self.store, self.key_file)
        self.ctx = self.world.ctx
        self.world.wire.mine = installation_id(self.ctx)
        self.added = [TOKENS[0]]
        self.step = 0
        self.synced: str | None = None
        self.arrivals: dict = {}
        self._do("import", directory.import_directory, self.ctx, json.dumps(self.world.doc))
        self._do("add", self._add, TOKENS[0])
        result = self._do("sync", sync.sync_token, self.ctx, TOKENS[0], full=True)
        assert result is not None and result.status == "completed"
        # The app over-subscribed from the start: two licensed, two waiting.
        self._do("assign", licensing.apply_assign, self.ctx, APP, "Class", "required", "user",
                 token=TOKENS[0])
        self.before = self.after = self._queue()

    # -- plumbing -------------------------------------------------------------------------
    def _queue(self) -> observe.Queue:
        with self.store.session() as session:
            return observe.queue(session, LOCATION_UID)

    def _do(self, operation: str, fn, *args, **kwargs):  # noqa: ANN001, ANN202
        """Run one service call; a refusal is a legal outcome (None)."""
        self.world.wire.operation = operation
        try:
            return fn(*args, **kwargs)
        except ServiceError:
            return None
        finally:
            self.world.wire.operation = ""

    def _token(self, index: int) -> str:
        return self.added[index % len(self.added)]

    def _add(self, name: str):  # noqa: ANN202
        return tokens.add_token(self.ctx, tokens.NewToken(
            name=name, apple_id=APPLE_ID, content=self.world.files[name], consent=True))

    def _stepped(self, synced: str | None = None) -> None:
        self.step += 1
        self.synced = synced
        self.before, self.after = self.after, self._queue()

    def _reimport(self, doc: dict, operation: str) -> None:
        # The one path the CLI and the console take: import, reclaim, serve the waitlists.
        update = self._do(operation, licensing.import_and_reclaim, self.ctx, json.dumps(doc))
        if update is not None:
            self.world.doc = doc

    @rule(action=ACTIONS)
    def act(self, action: tuple) -> None:
        """One step: (rule name, its arguments...)."""
        name, *args = action
        getattr(self, name)(*args)

    # -- rules: the admin -----------------------------------------------------------------
    def assign(self, what: tuple[str, str, str, str], token: int) -> None:
        item, group, intent, license_type = what
        self._do("assign", licensing.apply_assign, self.ctx, item, group, intent,
                 license_type, token=self._token(token))
        self._stepped()

    def unassign(self, where: tuple[str, str], token: int) -> None:
        self._do("unassign", licensing.apply_unassign, self.ctx, *where,
                 token=self._token(token))
        self._stepped()

    def revoke_item(self, item: str, token: int) -> None:
        self._do("revoke", licensing.apply_revoke, self.ctx, item=item,
                 token=self._token(token))
        self._stepped()

    def revoke_user(self, user: str) -> None:
        self._do("revoke", licensing.apply_revoke, self.ctx, user=user)
        self._stepped()

    def revoke_device(self, serial: str) -> None:
        self._do("revoke", licensing.apply_revoke, self.ctx, device=serial)
        self._stepped()

    def sync(self, token: int, full: bool) -> None:
        name = self._token(token)
        result = self._do("sync", sync.sync_token, self.ctx, name, full=full)
        self._stepped(name if result is not None and result.status == "completed" else None)

    def add_duplicate_token(self) -> None:
        if len(self.added) < len(TOKENS) and self._do("add", self._add,
                                                      TOKENS[1]) is not None:
            self.added.append(TOKENS[1])
        self._stepped()

    def take_control(self, token: int) -> None:
        name = self._token(token)
        view = self._do("take_control", tokens.take_control, self.ctx, name)
        if view is not None and checking("foreign_owner_is_shown"):
            assert view.state != "assigned_to_external_mdm", "take control did not clear it"
        self._stepped()

    def renew_with_stale_expiry(self, token: int) -> None:
        name = self._token(token)
        record = self.world.sim.issue_token(LOCATION_UID, revoke_older=False,
                                               report_old_expiry=True)
        if self._do("renew", tokens.renew_token, self.ctx, name, record.content) is not None:
            self.world.files[name] = record.content
        self._stepped()

    # -- rules: the directory -------------------------------------------------------------
    def user_leaves_company(self, user: str) -> None:
        doc = json.loads(json.dumps(self.world.doc))
        doc["users"] = [u for u in doc["users"] if u["upn"] != user]
        for g in doc["groups"]:
            g["members"] = [x for x in g["members"] if x != user]
        for d in doc["devices"]:
            d["primary_user"] = None if d.get("primary_user") == user else d.get(
                "primary_user")
        self._reimport(doc, "user_leaves")
        self._stepped()

    def user_leaves_group(self, user: str, group: str) -> None:
        doc = json.loads(json.dumps(self.world.doc))
        for g in doc["groups"]:
            if g["name"] == group:
                g["members"] = [x for x in g["members"] if x != user]
        self._reimport(doc, "leaves_group")
        self._stepped()

    def device_unmanaged(self, serial: str) -> None:
        doc = json.loads(json.dumps(self.world.doc))
        doc["devices"] = [d for d in doc["devices"] if d["serial"] != serial]
        for g in doc["groups"]:
            g["members"] = [x for x in g["members"] if x != serial]
        self._reimport(doc, "device_unmanaged")
        self._stepped()

    # -- rules: Apple, behind the console's back ------------------------------------------
    def purchase(self, item: str, count: int) -> None:
        self.world.sim.purchase(LOCATION_UID, item, count)
        self._stepped()

    def other_mdm_claims(self) -> None:
        self.world.sim.claim_by_other(LOCATION_UID, "Jamf Pro")
        self._stepped()

    # -- invariants -----------------------------------------------------------------------
    @invariant()
    def ledger_matches_apple(self) -> None:
        if checking("ledger_matches_apple"):
            with self.store.session() as s:
                _fail("ledger_matches_apple",
                      observe.ledger_problems(s, self.world.sim, LOCATION_UID))

    @invariant()
    def used_plus_available_is_total(self) -> None:
        if checking("used_plus_available_is_total"):
            with self.store.session() as s:
                problems = observe.count_problems(s)
                if self.synced:
                    problems += observe.apple_count_problems(s, self.world.sim, self.synced)
            _fail("used_plus_available_is_total", problems)

    @invariant()
    def nobody_licensed_and_waitlisted(self) -> None:
        if checking("nobody_licensed_and_waitlisted"):
            _fail("nobody_licensed_and_waitlisted", observe.both_problems(self.after))

    @invariant()
    def waitlist_served_when_licenses_free(self) -> None:
        if checking("waitlist_served_when_licenses_free") and self.synced:
            with self.store.session() as s:
                need = observe.needs(s)
            _fail("waitlist_served_when_licenses_free", observe.served_problems(
                self.after, self.world.sim, LOCATION_UID, self.arrivals, need))

    @invariant()
    def waitlist_first_come_first_served(self) -> None:
        # Runs for the bookkeeping even when not checked: it dates each member's arrival.
        problems = observe.overtaking(self.before, self.after, self.arrivals)
        observe.update_arrivals(self.arrivals, self.after, self.step)
        if checking("waitlist_first_come_first_served"):
            _fail("waitlist_first_come_first_served", problems)

    @invariant()
    def no_write_after_foreign_mdm(self) -> None:
        if checking("no_write_after_foreign_mdm"):
            _fail("no_write_after_foreign_mdm", self.world.wire.violations)

    @invariant()
    def foreign_owner_is_shown(self) -> None:
        if not checking("foreign_owner_is_shown"):
            return
        problems = []
        for name in self.added:
            bearer = self.world.files[name].strip()
            if bearer in self.world.wire.flagged_bearers:
                state = tokens.get_token(self.ctx, name).token.state
                if state != "assigned_to_external_mdm":
                    problems.append(f"{name} saw another MDM's mdmInfo but is {state}")
        _fail("foreign_owner_is_shown", problems)

    @invariant()
    def licenses_used_as_planned(self) -> None:
        if checking("licenses_used_as_planned"):
            with self.store.session() as s:
                need = observe.needs(s)
            _fail("licenses_used_as_planned", observe.planned_use_problems(
                self.after, self.world.sim, LOCATION_UID, need))

    @invariant()
    def one_apple_user_per_person(self) -> None:
        if checking("one_apple_user_per_person"):
            with self.store.session() as s:
                # A person who left the directory keeps the Apple users made for them (Apple
                # retires none by itself): remember what each person ever needed.
                self.needed = {**getattr(self, "needed", {}), **observe.needs(s)}
                need = self.needed
            _fail("one_apple_user_per_person", observe.apple_user_problems(
                self.world.sim, LOCATION_UID, need, USERS))


def _settings(examples: int) -> settings:
    return settings(max_examples=examples, stateful_step_count=STEPS, deadline=None,
                    derandomize=not RANDOM, database=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])


def run_machine(store: Store, key_file: Path, examples: int = MAX_EXAMPLES) -> None:
    bound = type(f"LedgerMachineOn{store.dialect.title()}", (LedgerMachine,),
                 {"store": store, "key_file": str(key_file)})
    run_state_machine_as_test(bound, settings=_settings(examples))


def test_ledger_machine_on_sqlite(sqlite_store: Store, tmp_path: Path) -> None:
    run_machine(sqlite_store, tmp_path / "k.key")


@pytest.mark.postgres
def test_ledger_machine_on_postgresql(pg_server, tmp_path: Path) -> None:  # noqa: ANN001
    if pg_server is None:
        pytest.skip("PostgreSQL binaries not installed (set VPP_TEST_POSTGRES=required to fail)")
    store = open_store(pg_server.migrated_database())
    try:
        run_machine(store, tmp_path / "k.key", PG_EXAMPLES)
    finally:
        store.close()
