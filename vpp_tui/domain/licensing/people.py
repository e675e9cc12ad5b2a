"""Which person an Apple user of a location stands for (one rule for every reader).

Apple knows a user only by its clientUserId, and keeps the email the MDM gave it
(apple-api.md §2.9–2.10, "users"). This console sets clientUserIds it can map back to a
directory UPN; a user another installation registered has only its email. So the person
behind an Apple user is its UPN when the console knows it, else its email; and when two
rows give the same clientUserId different people, the one with a UPN wins (design.md
"Identities": a UPN is the directory's key, an email may be shared or stale).
"""

from __future__ import annotations


def person_of(upn: str | None, email: str | None) -> str | None:
    """The person (a UPN or an email, as given) an Apple user stands for, or None."""
    return upn or email or None


def replaces(known: str | None, has_upn: bool) -> bool:
    """Whether a row naming a person (with a UPN when `has_upn`) replaces `known`, the
    person already recorded for the same clientUserId (None: nothing recorded yet)."""
    return known is None or has_upn


def revives(old_status: str, new_status: str) -> bool:
    """Whether an Apple user row with `new_status` replaces one of the same clientUserId
    with `old_status`: a live row beats a Retired one (Apple returns a retired user's
    twin beside its live record; apple-api.md §GET /users: status Registered, Associated,
    Retired)."""
    return old_status == "Retired" and new_status != "Retired"
