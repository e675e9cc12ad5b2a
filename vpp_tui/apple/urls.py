"""Apple's base URL check, cheap to import (the CLI checks `--apple` before it loads the
client): every endpoint is below API_PATH (apple-api.md §2)."""

from __future__ import annotations

from vpp_tui.i18n import _

API_PATH = "/mdm/v2"


def base_url_problem(url: str) -> str | None:
    """The one-line refusal of an Apple base URL whose path does not end with API_PATH, or
    None. Every endpoint is below it (apple-api.md §2), so without it each request would
    hit a path Apple (or the simulator) answers with 9634 "Service removed", which reads
    as if the service were gone. Example: "http://127.0.0.1:8787" -> "the Apple URL must
    end with /mdm/v2 (e.g. http://127.0.0.1:8787/mdm/v2) …"."""
    from urllib.parse import urlsplit

    from vpp_tui.domain.text import quote as quoted

    if urlsplit(url).path.rstrip("/").endswith(API_PATH):
        return None
    return _("the Apple URL must end with {path} (e.g. {example}), not {url}; correct "
             "--apple or VPP_APPLE_URL").format(
        path=API_PATH, example=url.rstrip("/")[:80] + API_PATH, url=quoted(url))
