"""One token list for the whole console (issue 13).

Tokens, Apps and eBooks each need the tokens (the triage order, the token choice). The
app keeps one light `TokenList` (`tokens.token_briefs`: states, names, counts; no secrets):
the first section that asks reads it, every other section gets the same views, and a
store change that touches tokens or their catalog (`forget`) makes the next ask read it
again. Called from thread workers: a lock makes concurrent asks read once.
"""

from __future__ import annotations

import threading

from vpp_tui.services import tokens
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.tokens import TokenBrief


class TokenList:
    """Every token the acting admin sees, as `tokens.list_tokens` orders them (most urgent
    first), as `tokens.TokenBrief`s, read once and shared until `forget`. The Tokens table
    reads the full rows of its page only (`tokens.token_views`)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.reads = 0  # how many times the store was read (tests count them)
        self._views: list[TokenBrief] | None = None
        self._generation = 0
        self._lock = threading.Lock()  # guards the fields
        self._reading = threading.Lock()  # one read at a time: a second asker waits for it

    def views(self) -> list[TokenBrief]:
        """The shared briefs, read from the store now if none is current. Blocking: call it
        in a thread worker. Raises what `tokens.token_briefs` raises (AccessDenied)."""
        with self._reading:
            with self._lock:
                if self._views is not None:
                    return self._views
                generation = self._generation
            views = tokens.token_briefs(self.ctx)
            with self._lock:
                self.reads += 1
                if generation == self._generation:  # no change arrived while reading
                    self._views = views
            return views

    def forget(self) -> None:
        """The tokens (or their counts) changed: the next `views` reads them again."""
        with self._lock:
            self._generation += 1
            self._views = None
