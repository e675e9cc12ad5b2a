"""Plain data the services return: screens and commands never see ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from vpp_tui.services.safe_text import SafeText

#: `token list --csv` columns: the keys of `TokenView.as_json`, in its order (docs/cli.md)
TOKEN_FIELDS = ("name", "state", "state_reason", "location_id", "location_name", "org_name",
                "expires_at", "days_left", "last_sync_at", "last_sync_status",
                "last_sync_error", "app_count", "book_count", "apple_id", "country",
                "account_type", "auto_update", "external_mdm_name", "external_mdm_metadata",
                "scope_tags", "advice", "needs_attention", "notification_url")


@dataclass(frozen=True)
class TokenView(SafeText):
    id: int
    name: str
    state: str
    state_reason: str
    advice: str
    needs_attention: bool
    urgency: int
    can_sync: bool
    location_id: str | None
    location_name: str | None
    org_name: str
    apple_id: str
    expires_at: datetime
    days_left: int
    last_sync_at: datetime | None
    last_sync_status: str
    last_sync_error: str | None
    app_count: int
    book_count: int
    country: str
    account_type: str
    auto_update: bool
    external_mdm_name: str | None
    scope_tags: tuple[str, ...] = ()
    secret_hint: str = ""
    external_mdm_metadata: str | None = None  # Apple's mdmInfo.metadata of that MDM
    notification_url: str | None = None  # where Apple POSTs notifications (`listen`)

    def as_json(self) -> dict:
        return {
            "name": self.name, "state": self.state, "state_reason": self.state_reason,
            "location_id": self.location_id, "location_name": self.location_name,
            "org_name": self.org_name, "expires_at": self.expires_at.isoformat(),
            "days_left": self.days_left,
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
            "last_sync_status": self.last_sync_status, "last_sync_error": self.last_sync_error,
            "app_count": self.app_count, "book_count": self.book_count,
            "apple_id": self.apple_id, "country": self.country,
            "account_type": self.account_type, "auto_update": self.auto_update,
            "external_mdm_name": self.external_mdm_name,
            "external_mdm_metadata": self.external_mdm_metadata, "scope_tags": list(self.scope_tags),
            "advice": self.advice, "needs_attention": self.needs_attention,
            "notification_url": self.notification_url,
        }


@dataclass(frozen=True)
class SyncRunView(SafeText):
    started_at: datetime
    finished_at: datetime | None
    actor: str
    full: bool
    status: str
    requests: int
    assets: int
    assignments: int
    users: int
    error: str | None


@dataclass(frozen=True)
class TokenDetails(SafeText):
    token: TokenView
    website_url: str | None
    default_platform: str | None
    apple_country: str | None
    take_control: bool
    claimed_at: datetime | None
    created_at: datetime
    history: tuple[SyncRunView, ...] = ()
    # The last notifications Apple POSTed for this token (newest first): when, type,
    # what the ledger took from it ("" while not applied yet).
    notifications: tuple[NotificationSeen, ...] = ()

    def as_json(self) -> dict:
        doc = self.token.as_json()
        doc.update({
            "website_url": self.website_url, "default_platform": self.default_platform,
            "apple_country": self.apple_country, "claimed_at": self.claimed_at,
            "created_at": self.created_at,
            "sync_history": [h.__dict__ for h in self.history],
        })
        return doc


@dataclass(frozen=True)
class NotificationSeen:
    """One notification received (`vpp-tui listen`): `applied` False while it waits."""

    received_at: datetime
    notification_type: str
    outcome: str
    applied: bool


@dataclass(frozen=True)
class TokenFilePreview(SafeText):
    org_name: str
    expires_at: datetime
    days_left: int
    secret_hint: str
    # Known once Apple answered for the file (`tokens.check_file`).
    location_name: str | None = None
    held_by: str | None = None


@dataclass(frozen=True)
class DeletePreview(SafeText):
    """What deleting token `name` removes (`deleted`) and leaves (`kept`), and what
    "revoke licenses first" would take back at Apple (`revoked`): `revoke_users` users and
    `revoke_devices` devices holding the location's revocable licenses; `irrevocable`
    licenses (books, items Apple marks not revocable) stay with their holders either way.
    `location_tokens` are the other tokens of the same location (duplicates): they stay."""

    name: str
    apps: int
    books: int
    assignments: int
    licenses: int
    deleted: tuple[str, ...]
    kept: tuple[str, ...]
    revoked: tuple[str, ...] = ()
    revoke_users: int = 0
    revoke_devices: int = 0
    irrevocable: int = 0
    location_tokens: tuple[str, ...] = ()
    location_name: str | None = None


@dataclass(frozen=True)
class SyncResult(SafeText):
    """One token's sync: `status` completed | failed | interrupted | skipped (see
    `domain.outcomes`); `skip_reason` needs_attention | busy when skipped; `requests` is
    the HTTP requests really made, failed and retried ones included."""

    name: str
    status: str
    requests: int = 0
    assets: int = 0
    assignments: int = 0
    users: int = 0
    error: str | None = None
    full: bool = False
    notes: tuple[str, ...] = field(default=())
    skip_reason: str | None = None

    def as_json(self) -> dict:
        return {"name": self.name, "status": self.status, "requests": self.requests,
                "assets": self.assets, "assignments": self.assignments, "users": self.users,
                "error": self.error, "full": self.full, "skip_reason": self.skip_reason}
