"""End to end over loopback (issue 14): a served simulator, `vpp-tui listen` and the CLI as
real processes. Setting the notification URL makes the simulator post its test
notification, which `listen` accepts (a wrong bearer gets 401); an assignment's
ASSET_MANAGEMENT updates its event in the audit; a purchase's ASSET_COUNT updates the counts
and serves the waitlist before any sync. Lines from `listen --json` are awaited, never slept
for. The rules and every other case are tested in-process (tests/services,
tests/simulator, tests/domain)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading

import httpx
import pytest

from tests import simserver
from tests.cli.test_cli_tokens import Admin
from tests.services.test_waitlist import ITEM, _doc

PERIODIC_EXPLORER = "1484000104"  # ITEM's adamId in the demo world


class Listener:
    """`vpp-tui listen --json` as a process; `next()` awaits its next receipt line."""

    def __init__(self, admin: Admin) -> None:
        self.port = simserver.free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "vpp_tui.cli", "--db", admin.db, "--apple",
             admin.apple, "listen", "--port", str(self.port), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=admin.env)
        self.lines: queue.Queue[str] = queue.Queue()
        started = threading.Event()
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines),
                         daemon=True).start()
        threading.Thread(target=self._started, args=(started,), daemon=True).start()
        assert started.wait(60), "listen did not start"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/vpp/notify"

    def _started(self, started: threading.Event) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if "Uvicorn running" in line or "Application startup complete" in line:
                started.set()

    @staticmethod
    def _pump(stream, lines: queue.Queue) -> None:  # noqa: ANN001
        for line in stream:
            lines.put(line)

    def next(self, kind: str) -> dict:
        """The next receipt of `kind` (others before it are skipped)."""
        while True:
            receipt = json.loads(self.lines.get(timeout=120))
            if receipt["notification_type"] == kind:
                return receipt

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def served(tmp_path_factory):
    sim = simserver.start(tmp_path_factory.mktemp("tokens"), "--event-delay", "0",
                          "--control")
    yield sim
    sim.stop()


def test_notifications_end_to_end_over_loopback(served, tmp_path) -> None:
    admin = Admin(tmp_path, served.base_url)
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps(_doc()))
    admin.ok("directory", "import", str(directory))
    north = next(e for e in served.manifest["tokens"] if e["location_name"] == "North Campus")
    admin.ok("token", "add", str(served.tokens_dir / north["file"]), "--name", "North",
             "--apple-id", "vpp@appleid.contoso.edu", "--consent", "--take-control")
    admin.ok("sync", "North")
    waiting = admin.run("assign", ITEM, "--group", "Waiters", "--intent", "available",
                        "--license", "user", "--json")
    assert waiting.returncode == 1 and json.loads(waiting.stdout)["failed"] == 9
    listener = Listener(admin)
    try:
        # The URL is a token setting; Apple (the simulator) tests it at once.
        shown = json.loads(admin.ok("token", "set", "North", "--notification-url",
                                    listener.url, "--json"))
        assert shown["notification_url"] == listener.url
        test = listener.next("TEST_NOTIFICATION")
        assert (test["status"], test["token"]) == (200, "North")
        wrong = httpx.post(listener.url, headers={"Authorization": "Bearer wrong"},
                           json={"notification": {}, "notificationId": "x",
                                 "notificationType": "TEST_NOTIFICATION"})
        assert wrong.status_code == 401

        # An assignment: Apple's ASSET_MANAGEMENT sets its event's status in the audit.
        admin.ok("assign", "Star Chart", "--group", "Loaner iPads", "--intent", "required",
                 "--license", "device")
        assert listener.next("ASSET_MANAGEMENT")["status"] == 200

        # A purchase: ASSET_COUNT moves the counts and serves the waitlist, no sync run.
        control = served.base_url.replace("/mdm/v2", "/_simulator/control")
        bought = httpx.post(control, json={"purchase": {
            "location": "North Campus", "adam_id": PERIODIC_EXPLORER, "count": 5}})
        assert bought.status_code == 200, bought.text
        count = listener.next("ASSET_COUNT")
        assert count["status"] == 200 and "5 licensed, 4 still waiting" in count["message"]
        after = json.loads(admin.ok("licenses", ITEM, "--json"))
        assert (after["total"], after["used"]) == (45, 45)

        entries = admin.audit()
        notes = [e for e in entries if e["action"] == "notification.asset_management"]
        assert len(notes) == 2  # the assignment's event, then the waitlist grant's
        for note in notes:
            sent = [e for e in entries if e["apple_event_id"] == note["apple_event_id"]
                    and e["action"] != note["action"]]
            assert sent and note["apple_event_status"] == "COMPLETE"
            assert all(e["apple_event_status"] == "COMPLETE" for e in sent)
        assert [e["action"] for e in entries].count("token.sync") == 1  # only the first
    finally:
        listener.stop()
