"""What Apple holds for each location: assets, assignments, users, versions, events, config.

Plain dataclasses with `to_dict`/`from_dict` so `Simulator.save` can write JSON. Ids are
minted deterministically (uuid5 of the location and a counter) so a seeded world gives the
same ids on every run.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

INT32_MAX = 2147483647
_NS = uuid.UUID("6f1c2b0e-9a55-4b8e-8f3e-5d0c1a7e2b91")

# (adamId, pricingParam)
AssetKey = tuple[str, str]
# (adamId, pricingParam, "user" | "device", clientUserId or serialNumber)
AssignmentKey = tuple[str, str, str, str]


def minted_id(*parts: object) -> str:
    return str(uuid.uuid5(_NS, ":".join(str(p) for p in parts)))


def id_hash(managed_apple_id: str) -> str:
    """Apple's idHash looks like a Base64 SHA-1 (28 chars ending '=')."""
    import base64

    return base64.b64encode(hashlib.sha1(managed_apple_id.encode()).digest()).decode()


@dataclass
class AssetRecord:
    adam_id: str
    pricing_param: str
    product_type: str  # App | Book
    total: int
    platforms: list[str]
    device_assignable: bool = True
    revocable: bool = True
    unlimited: bool = False
    assigned: int = 0
    retired: int = 0

    @property
    def total_count(self) -> int:
        return INT32_MAX if self.unlimited else self.total

    @property
    def available(self) -> int:
        return self.total_count - self.assigned

    def wire(self) -> dict[str, Any]:
        return {"adamId": self.adam_id, "assignedCount": self.assigned,
                "availableCount": self.available, "deviceAssignable": self.device_assignable,
                "pricingParam": self.pricing_param, "productType": self.product_type,
                "retiredCount": self.retired, "revocable": self.revocable,
                "supportedPlatforms": list(self.platforms), "totalCount": self.total_count}

    def wire_unlimited(self) -> dict[str, Any]:
        return {"adamId": self.adam_id, "assignedCount": self.assigned,
                "deviceAssignable": self.device_assignable, "pricingParam": self.pricing_param,
                "productType": self.product_type, "revocable": self.revocable,
                "supportedPlatforms": list(self.platforms)}


@dataclass
class UserRecord:
    client_user_id: str
    status: str  # Registered | Associated | Retired
    email: str | None = None
    managed_apple_id: str | None = None
    id_hash: str | None = None
    invite_code: str | None = None
    seq: int = 0  # users version at which it last changed

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"clientUserId": self.client_user_id, "status": self.status}
        if self.email:
            out["email"] = self.email
        if self.id_hash:
            out["idHash"] = self.id_hash
        if self.invite_code and self.status == "Registered":
            out["inviteCode"] = self.invite_code
        return out


@dataclass
class VersionLog:
    """`versionId` per write; the map from id to sequence answers `sinceVersionId`."""

    scope: str
    seq: int = 0
    ids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.ids:
            self.ids[minted_id(self.scope, 0)] = 0

    @property
    def current(self) -> str:
        return minted_id(self.scope, self.seq)

    def mint(self) -> int:
        self.seq += 1
        self.ids[self.current] = self.seq
        return self.seq

    def seq_of(self, version_id: str) -> int | None:
        return self.ids.get(version_id)


@dataclass
class Event:
    event_id: str
    event_type: str  # ASSOCIATE | DISASSOCIATE | REVOKE | CREATE | UPDATE | RETIRE
    tasks: list[list[Any]]  # JSON-friendly task tuples, see events.py
    created_at: float  # clock.now() as a POSIX timestamp, so a saved world resumes
    duration: float
    done: int = 0
    completed: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    # Per finished task: [errorNumber or None, the assignments or users it touched].
    results: list[list[Any]] = field(default_factory=list)

    @property
    def requested(self) -> int:
        return len(self.tasks)

    @property
    def status(self) -> str:
        if self.done < len(self.tasks):
            return "PENDING"
        return "FAILED" if self.failures else "COMPLETE"


@dataclass
class Location:
    uid: str
    name: str
    org_name: str
    country: str = "US"
    default_platform: str = "volumestore"
    website_url: str = "https://school.apple.com"
    assets: dict[AssetKey, AssetRecord] = field(default_factory=dict)
    assignments: dict[AssignmentKey, int] = field(default_factory=dict)
    users: list[UserRecord] = field(default_factory=list)
    events: dict[str, Event] = field(default_factory=dict)
    mdm_info: dict[str, str] | None = None
    notification_url: str | None = None
    notification_auth_token: str | None = None
    notification_types: list[str] = field(default_factory=list)
    event_counter: int = 0
    asset_changes: int = 0  # purchases and refunds: they move counts without an assignment
    assignment_versions: VersionLog = field(init=False)
    user_versions: VersionLog = field(init=False)

    def __post_init__(self) -> None:
        self.assignment_versions = VersionLog(f"{self.uid}:assignments")
        self.user_versions = VersionLog(f"{self.uid}:users")
        self._live: dict[str, UserRecord] = {}
        # (kind, target) -> asset keys it holds: revoke and retire need it without a full scan
        self.by_target: dict[tuple[str, str], set[AssetKey]] = {}
        self.reindex_users()

    def reindex_assignments(self) -> None:
        self.by_target = {}
        for asset in self.assets.values():
            asset.assigned = 0
        for adam, pricing, kind, target in self.assignments:
            self.by_target.setdefault((kind, target), set()).add((adam, pricing))
            self.assets[(adam, pricing)].assigned += 1

    # -- users ---------------------------------------------------------------------------
    def reindex_users(self) -> None:
        self._live = {u.client_user_id: u for u in self.users if u.status != "Retired"}

    def live_user(self, client_user_id: str) -> UserRecord | None:
        return self._live.get(client_user_id)

    def add_user(self, user: UserRecord) -> None:
        self.users.append(user)
        if user.status != "Retired":
            self._live[user.client_user_id] = user

    def retire_user(self, user: UserRecord, seq: int) -> None:
        user.status = "Retired"
        user.invite_code = None
        user.seq = seq
        self._live.pop(user.client_user_id, None)

    # -- assets and assignments ----------------------------------------------------------
    def add_asset(self, asset: AssetRecord) -> None:
        self.assets[(asset.adam_id, asset.pricing_param)] = asset

    def assign(self, key: AssignmentKey, seq: int) -> bool:
        if key in self.assignments:
            return False
        self.assignments[key] = seq
        self.assets[(key[0], key[1])].assigned += 1
        self.by_target.setdefault((key[2], key[3]), set()).add((key[0], key[1]))
        return True

    def unassign(self, key: AssignmentKey) -> bool:
        if key not in self.assignments:
            return False
        del self.assignments[key]
        held = self.by_target.get((key[2], key[3]))
        if held is not None:
            held.discard((key[0], key[1]))
            if not held:
                del self.by_target[(key[2], key[3])]
        asset = self.assets.get((key[0], key[1]))
        if asset is not None:
            asset.assigned -= 1
        return True

    def next_event_id(self) -> str:
        self.event_counter += 1
        return minted_id(self.uid, "event", self.event_counter)

    # -- persistence -----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "uid": self.uid, "name": self.name, "org_name": self.org_name,
            "country": self.country, "default_platform": self.default_platform,
            "website_url": self.website_url,
            "assets": [asdict(a) for a in self.assets.values()],
            "assignments": [[*k, s] for k, s in self.assignments.items()],
            "users": [asdict(u) for u in self.users],
            "events": [asdict(e) for e in self.events.values()],
            "mdm_info": self.mdm_info, "notification_url": self.notification_url,
            "notification_auth_token": self.notification_auth_token,
            "notification_types": self.notification_types,
            "event_counter": self.event_counter, "asset_changes": self.asset_changes,
            "assignment_versions": asdict(self.assignment_versions),
            "user_versions": asdict(self.user_versions),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Location:
        loc = cls(uid=d["uid"], name=d["name"], org_name=d["org_name"], country=d["country"],
                  default_platform=d["default_platform"], website_url=d["website_url"],
                  mdm_info=d["mdm_info"], notification_url=d["notification_url"],
                  notification_auth_token=d["notification_auth_token"],
                  notification_types=list(d["notification_types"]),
                  event_counter=d["event_counter"], asset_changes=d["asset_changes"])
        for a in d["assets"]:
            loc.add_asset(AssetRecord(**a))
        loc.assignments = {(a, p, k, t): s for a, p, k, t, s in d["assignments"]}
        loc.reindex_assignments()
        loc.users = [UserRecord(**u) for u in d["users"]]
        loc.reindex_users()
        loc.events = {e["event_id"]: Event(**e) for e in d["events"]}
        loc.assignment_versions = VersionLog(**d["assignment_versions"])
        loc.user_versions = VersionLog(**d["user_versions"])
        return loc


@dataclass
class TokenRecord:
    """One token file Apple issued; several may point at one location (a duplicate upload)."""

    secret: str  # the inner `token` field: what identifies the file
    location_uid: str
    expires_at: datetime
    content: str  # the whole file, the bearer
    filename: str
    state: str  # what the console must show for this file
    reason: str
    revoked: bool = False
    # What `tokenExpirationDate` says for this file when Apple lags a renewal (the previous
    # file's date); None: the file's own `expDate`.
    reported_expires_at: datetime | None = None

    @property
    def reported_expiry(self) -> datetime:
        """The `tokenExpirationDate` Apple answers with for this file."""
        return self.reported_expires_at or self.expires_at

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["expires_at"] = self.expires_at.isoformat()
        if self.reported_expires_at is not None:
            out["reported_expires_at"] = self.reported_expires_at.isoformat()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TokenRecord:
        d = dict(d)
        d["expires_at"] = datetime.fromisoformat(d["expires_at"])
        if d.get("reported_expires_at"):
            d["reported_expires_at"] = datetime.fromisoformat(d["reported_expires_at"])
        return cls(**d)
