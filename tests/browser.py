"""A real headless Chromium driven over the DevTools protocol, for end-to-end tests.

Chromium talks DevTools over a pipe (`--remote-debugging-pipe`: it reads commands on fd 3
and writes answers and events on fd 4, each a JSON text ending in NUL), so no port is
opened and no websocket client is needed. Only loopback is reachable: every other host name
resolves to nothing (textual-serve's page links a web font from the internet).

textual-serve draws the terminal with xterm.js on a canvas and keeps the xterm `Terminal`
in a closure. `SCREEN_HOOK` runs before the page's own script and keeps every object
assigned to a `.terminal` property in `window.__terminals`; `screen_text()` reads the
visible rows through xterm's public buffer API (`buffer.active.getLine(y)
.translateToString()`), i.e. what the admin sees.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from typing import Any

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    """The first Chromium on PATH, or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


SCREEN_HOOK = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    if (value && value.buffer !== undefined) window.__terminals.push(value);
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true,
                                             enumerable: true});
  },
});
"""

SCREEN_TEXT = """
(() => {
  const term = (window.__terminals || []).find(t => t.buffer && t.buffer.active);
  if (!term) return null;
  const buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()
"""


# Resolves when xterm has parsed the next output from the server (its `onWriteParsed`
# event), or after a second at most: the poll waits on the terminal, not on a timer.
NEXT_WRITE = """
new Promise(resolve => {
  const term = (window.__terminals || []).find(t => t.onWriteParsed);
  const done = () => { if (hook) hook.dispose(); resolve(0); };
  const hook = term ? term.onWriteParsed(done) : null;
  setTimeout(done, 1000);
})
"""


class BrowserError(RuntimeError):
    """Chromium exited, answered with an error, or said nothing before the deadline."""


class Browser:
    """One headless Chromium with one page. Use as a context manager; `close()` ends it."""

    def __init__(self, executable: str, *, width: int = 1280, height: int = 800) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def child_fds() -> None:  # runs in the child before exec: fd 3 in, fd 4 out
            # Moved above 9 first: either pipe end may itself be fd 3 or 4.
            high_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu",
             "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking", "--mute-audio",
             "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
             f"--window-size={width},{height}", "about:blank"],
            preexec_fn=child_fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            # close_fds would close 3 and 4 after child_fds; Python's own descriptors are
            # not inheritable (PEP 446), so only the two dup2'd ones reach Chromium.
            stderr=subprocess.DEVNULL, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol --------------------------------------------------------------------------
    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 16)
                if not chunk:
                    raise BrowserError(f"Chromium exited (status {self.process.poll()})")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, *,
             session: bool = True, timeout: float = 30.0) -> dict[str, Any]:
        """Send one DevTools command (to the page's session unless `session=False`) and
        return its result; events arriving meanwhile are dropped."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method,
                                   "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    # -- the page --------------------------------------------------------------------------
    def open(self, url: str) -> None:
        """A new page with SCREEN_HOOK installed, navigated to `url`."""
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call("Target.attachToTarget",
                             {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = attached["sessionId"]
        self.call("Page.enable")
        self.call("Page.addScriptToEvaluateOnNewDocument", {"source": SCREEN_HOOK})
        self.call("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression,
                                                "returnByValue": True})
        if "exceptionDetails" in result:
            raise BrowserError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screen_text(self) -> str | None:
        """The terminal's visible rows, one line each; None before the terminal exists."""
        return self.evaluate(SCREEN_TEXT)

    def wait_for_screen(self, text: str, *, timeout: float) -> str:
        """Poll the terminal until it shows `text` (a deadline, not a fixed sleep); returns
        the screen. BrowserError with the last screen seen when the deadline passes."""
        deadline = time.monotonic() + timeout
        screen = None
        while time.monotonic() < deadline:
            screen = self.screen_text()
            if screen and text in screen:
                return screen
            self.call("Runtime.evaluate", {"expression": NEXT_WRITE, "awaitPromise": True})
        raise BrowserError(f"the page never showed {text!r}; last screen:\n{screen}")

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.call("Browser.close", session=False, timeout=10)
            except (BrowserError, OSError):
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        for fd in (self._to_chrome, self._from_chrome):
            try:
                os.close(fd)
            except OSError:
                pass
