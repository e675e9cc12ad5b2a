"""One request to Apple, end to end: pacing, sending, judging the answer, retrying.

Success is decided from the body as well as the status: Apple (or a proxy in front of it)
has been seen answering errors such as 9646 and 9622 with HTTP 200, so any `errorNumber`
in a body is a failure whatever the status.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import httpx

from vpp_tui.apple.clock import Cancelled, Clock
from vpp_tui.apple.errors import AppleError, GaveUp, MdmConflict, TransportError, error_for
from vpp_tui.apple.limiter import RateLimiter, Span
from vpp_tui.apple.retry import RetryPolicy, parse_retry_after, retryable
from vpp_tui.i18n import _

# The connection failed before the request left: Apple cannot have acted on it.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Requester:
    def __init__(self, http: httpx.Client, *, bearer: str, clock: Clock,
                 limiter: RateLimiter, policy: RetryPolicy, cancel: threading.Event | None,
                 mdm_id: str | None) -> None:
        self.http = http
        self.bearer = bearer
        self.clock = clock
        self.limiter = limiter
        self.policy = policy
        self.cancel = cancel
        self.mdm_id = mdm_id
        self._count_lock = threading.Lock()
        self.requests_made = 0
        # The first foreign owner seen in an answer; from then on nothing is sent.
        self.conflict: MdmConflict | None = None

    def check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()

    def send(self, method: str, url: str, *, params: dict[str, Any] | None = None,
             body: dict[str, Any] | None = None, auth: bool = True, idempotent: bool = True,
             check_owner: bool = True, cookies: dict[str, str] | None = None) -> dict:
        """The JSON body of Apple's successful answer, or a typed `AppleError`.

        A plain bounded loop, never recursion: after `max_attempts` the last error is
        wrapped in `GaveUp` so callers do not add retries of their own on top.

        Ownership (apple-api.md §7.1 step 3, §7.3): with an `mdm_id`, every authenticated
        answer's `mdmInfo.id` is compared with it (`check_owner=False` only for the claim
        itself). The first foreign owner raises `MdmConflict`, and every later request of
        this client that would check the owner raises it again without being sent.
        """
        owned = auth and check_owner and self.mdm_id is not None
        if owned and self.conflict is not None:
            raise self.conflict.again()
        headers = {"Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.bearer}"
        attempts = max(1, self.policy.max_attempts)
        for attempt in range(1, attempts + 1):
            self.check_cancel()
            # Apple counted the request before it began to answer: the turn's span ends
            # with the answer's headers, not after the body is read and parsed (issue 13).
            answered = _Release(self.limiter, self.limiter.acquire(self.cancel))
            try:
                error = self._attempt(method, url, params, body, headers, cookies, answered)
            finally:
                answered()
            if isinstance(error, dict):
                if owned:
                    self._check_owner(error)
                return error
            if not retryable(error, idempotent=idempotent):
                raise error
            if attempt == attempts:
                raise GaveUp(error, attempts) from error
            self.clock.sleep(self.policy.delay(error, attempt), self.cancel)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, method: str, url: str, params: dict[str, Any] | None,
                 body: dict[str, Any] | None, headers: dict[str, str],
                 cookies: dict[str, str] | None,
                 answered: Callable[[], None] = lambda: None) -> dict | AppleError:
        with self._count_lock:
            self.requests_made += 1
        request_headers = dict(headers)
        if cookies:
            # Per request, never on the shared client: the cookie jar must not leak tokens.
            request_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        try:
            request = self.http.build_request(method, url, params=_query(params), json=body,
                                              headers=request_headers)
            response = self.http.send(request, stream=True)
            answered()
            try:
                response.read()
            finally:
                response.close()
        except _NOT_SENT as exc:
            err = TransportError(_describe(exc))
            err.not_sent = True
            return err
        except httpx.HTTPError as exc:
            return TransportError(_describe(exc))
        return self._judge(response)

    def _judge(self, response: httpx.Response) -> dict | AppleError:
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock.now())
        try:
            payload = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = None
        if isinstance(payload, dict) and payload.get("errorNumber") not in (None, 0):
            number = _as_int(payload.get("errorNumber"))
            info = payload.get("errorInfo")
            return error_for(number, str(payload.get("errorMessage") or ""),
                             response.status_code, info if isinstance(info, dict) else None,
                             retry_after=retry_after)
        if response.status_code >= 400:
            message = ""
            if isinstance(payload, dict):
                message = str(payload.get("errorMessage") or "")
            return error_for(None, message or response.reason_phrase, response.status_code,
                             retry_after=retry_after)
        if not isinstance(payload, dict):
            return AppleError(_("the answer was not the JSON object Apple sends"),
                              http_status=response.status_code)
        if _only_error_message(payload):
            return error_for(None, str(payload["errorMessage"]), response.status_code)
        return payload

    def _check_owner(self, payload: dict) -> None:
        info = payload.get("mdmInfo")
        if self.mdm_id is None or not isinstance(info, dict):
            return
        holder = info.get("id")
        if holder is not None and str(holder) != self.mdm_id:
            uid, event = payload.get("uId"), payload.get("eventId")
            self.conflict = MdmConflict(
                str(holder), info.get("name"), info.get("metadata"),
                location_id=str(uid) if uid is not None else None,
                event_id=str(event) if event else None)
            raise self.conflict


class _Release:
    """Ends a limiter turn once, at the first call (the answer's headers, or the end)."""

    def __init__(self, limiter: RateLimiter, span: Span) -> None:
        self.limiter, self.span, self.done = limiter, span, False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            self.limiter.release(self.span)


def _query(params: dict[str, Any] | None) -> dict[str, str] | None:
    """Apple writes booleans as `true`/`false`; Python would send `True`."""
    if not params:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return out


def _only_error_message(payload: dict) -> bool:
    """True for a body that carries nothing but `errorMessage` (an `errorNumber` of 0 or
    null aside): a refusal even inside HTTP 200, as Apple's error bodies are (§5)."""
    rest = set(payload) - {"errorMessage", "errorNumber"}
    return not rest and bool(str(payload.get("errorMessage") or "").strip())


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _describe(exc: httpx.HTTPError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
