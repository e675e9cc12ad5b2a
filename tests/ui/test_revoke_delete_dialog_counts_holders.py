"""Fault (breaker3): the console's "Revoke all licenses of NC, then delete it?" dialog (Tokens,
del then D) says "Apple revokes every revocable license of this token (1640 holders)"
for a token whose 1640 licenses are held by 218 users and 532 devices, 401 of them books
or non-revocable items that stay. `revoke_delete_text` prints `preview.licenses` (every
license, irrevocable ones included) as a count of holders; the CLI's dry run for the same
token says "Apple revokes 1239 licenses held by 218 users and 532 devices" and "401
licenses of books … stay". A destructive confirmation overstates what it will do.

Reproduce: served simulator (demo world), `vpp-tui token add --name NC … north-campus`,
`vpp-tui sync NC`, open the console, del, n, D.
"""

from __future__ import annotations

from vpp_tui.services.views import DeletePreview
from vpp_tui.ui.sections.tokens.actions import revoke_delete_text


def test_revoke_delete_dialog_counts_holders_not_licenses() -> None:
    preview = DeletePreview(
        name="NC", apps=21, books=6, assignments=0, licenses=1640,
        deleted=("the token and its encrypted secret",), kept=(),
        revoked=("Apple revokes 1239 licenses held by 218 users and 532 devices",),
        revoke_users=218, revoke_devices=532, irrevocable=401)
    text = revoke_delete_text(preview)
    assert "1640" not in text
    assert "218" in text and "532" in text
