"""Admin hooks (what Apple's web portal and end users do) and JSON persistence."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vpp_tui.apple.stoken import encode_token
from vpp_tui.simulator.faults import Fault, parse_fault
from vpp_tui.simulator.notify import payloads as notices
from vpp_tui.simulator.state import AssetRecord, Location, TokenRecord, id_hash, minted_id

if TYPE_CHECKING:
    from vpp_tui.apple.clock import Clock
    from vpp_tui.simulator.core import Simulator

SAVE_FORMAT = 1


class AdminMixin:
    """Mixed into Simulator; every hook takes the lock, as a request would."""

    def location(self: Simulator, name_or_uid: str) -> Location:
        if name_or_uid in self.locations:
            return self.locations[name_or_uid]
        for loc in self.locations.values():
            if loc.name == name_or_uid:
                return loc
        known = ", ".join(sorted(loc.name for loc in self.locations.values()))
        raise KeyError(f"no location {name_or_uid!r} in the simulator (have: {known})")

    def purchase(self: Simulator, location: str, adam_id: str, count: int, *,
                 pricing_param: str = "STDQ", product_type: str = "App",
                 platforms: list[str] | None = None, device_assignable: bool = True) -> dict:
        """Buy `count` more licenses (negative: a refund); a new adamId becomes a new asset."""
        with self.lock:
            loc = self.location(location)
            key = (str(adam_id), pricing_param)
            asset = loc.assets.get(key)
            if asset is None:
                asset = AssetRecord(adam_id=str(adam_id), pricing_param=pricing_param,
                                    product_type=product_type, total=0,
                                    platforms=platforms or ["iOS"],
                                    device_assignable=device_assignable and product_type == "App",
                                    revocable=product_type == "App")
                loc.add_asset(asset)
            before = asset.total
            asset.total = max(asset.assigned, asset.total + count)
            loc.asset_changes += 1
            if asset.total != before:  # Apple notifies purchases, refunds and transfers (§8.3)
                self.notify(loc, notices.asset_count(loc, asset.adam_id, asset.pricing_param,
                                                     asset.total - before))
            return asset.wire()

    def accept_invitation(self: Simulator, location: str, client_user_id: str,
                          apple_account: str | None = None) -> dict:
        """The user opens the invitation link and signs in: Registered -> Associated."""
        with self.lock:
            loc = self.location(location)
            user = loc.live_user(client_user_id)
            if user is None:
                raise KeyError(f"no live user {client_user_id!r} in {loc.name}")
            user.status = "Associated"
            user.id_hash = id_hash(apple_account or f"{client_user_id}@{loc.uid}.icloud")
            user.invite_code = None
            user.seq = loc.user_versions.mint()
            for body in notices.user_associated(loc, [user.wire()]):
                self.notify(loc, body)
            return user.wire()

    def accept_invite_code(self: Simulator, code: str) -> dict | None:
        with self.lock:
            for loc in self.locations.values():
                for user in loc.users:
                    if user.invite_code == code and user.status == "Registered":
                        return self.accept_invitation(loc.uid, user.client_user_id)
            return None

    def revoke_token(self: Simulator, location: str) -> None:
        """Apple revokes every token of the location (9625 from now on)."""
        with self.lock:
            uid = self.location(location).uid
            for record in self.tokens:
                if record.location_uid == uid:
                    record.revoked = True

    def issue_token(self: Simulator, location: str, expires_in_days: float = 365, *,
                    revoke_older: bool = True, report_old_expiry: bool = False) -> TokenRecord:
        """The admin downloads a new token file for the location (a renewal); returns it.

        `revoke_older`: the location's earlier files answer 9625 from now on (a newer token
        was downloaded). `report_old_expiry`: Apple's answers for the new file keep carrying
        the previous file's `tokenExpirationDate`, as Apple's answers can lag a renewal
        (apple-api.md §1.4, §7.3); the new file itself works until its own `expDate`.
        """
        with self.lock:
            loc = self.location(location)
            older = [t for t in self.tokens if t.location_uid == loc.uid]
            expires = (self.clock.now() + timedelta(days=expires_in_days)).replace(microsecond=0)
            digest = hashlib.sha256(f"{loc.uid}:issued:{len(older)}".encode()).digest()
            secret = base64.b64encode(digest * 2).decode()
            slug = loc.name.lower().replace(" ", "-")
            stale = older[-1].reported_expiry if older and report_old_expiry else None
            if revoke_older:
                for record in older:
                    record.revoked = True
            return self.add_token(TokenRecord(
                secret=secret, location_uid=loc.uid, expires_at=expires,
                content=encode_token(secret, expires, loc.org_name), state="valid",
                reason="a renewed token file",
                filename=f"sToken_for_{slug}-{len(older) + 1}.vpptoken",
                reported_expires_at=stale))

    def claim_by_other(self: Simulator, location: str, name: str = "Jamf Pro", *,
                       mdm_id: str | None = None, metadata: str = "other-mdm.example.com") -> None:
        """Another MDM sets mdmInfo on the location."""
        with self.lock:
            loc = self.location(location)
            loc.mdm_info = {"id": mdm_id or minted_id(loc.uid, "mdm", name), "name": name,
                            "metadata": metadata}

    def release_version(self: Simulator, adam_id: str, version: str) -> None:
        """The developer ships a new version: every country store's lookup shows it."""
        with self.lock:
            for store in self.metadata.values():
                result = store.get(adam_id)
                for offer in (result or {}).get("offers") or []:
                    offer.setdefault("version", {})["display"] = version

    def add_fault(self: Simulator, fault: Fault | str) -> Fault:
        with self.lock:
            parsed = parse_fault(fault) if isinstance(fault, str) else fault
            self.faults.append(parsed)
            return parsed

    def clear_faults(self: Simulator) -> None:
        with self.lock:
            self.faults.clear()

    # -- persistence ---------------------------------------------------------------------------
    def to_dict(self: Simulator) -> dict[str, Any]:
        with self.lock:
            return {
                "format": SAVE_FORMAT,
                "config": {"page_size": self.page_size, "event_delay": self.event_delay,
                           "rate_limit": self.rate_limit,
                           "auth_errors_in_200": self.auth_errors_in_200,
                           "expiry_window_days": self.expiry_window_days},
                "limits": self.limits,
                "locations": [loc.to_dict() for loc in self.locations.values()],
                "tokens": [t.to_dict() for t in self.tokens],
                "metadata": self.metadata,
                "faults": [asdict(f) for f in self.faults],
            }

    def save(self: Simulator, path: str | Path) -> None:
        target = Path(path)
        tmp = target.with_name(target.name + ".tmp")
        # 0600: the world holds every token's secret, like the key file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # a left-over .tmp keeps its old mode otherwise
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(self.to_dict(), separators=(",", ":")))
        tmp.replace(target)  # never leave a half-written world behind

    @classmethod
    def from_dict(cls, data: dict[str, Any], clock: Clock) -> Simulator:
        if data.get("format") != SAVE_FORMAT:
            raise ValueError(f"unsupported simulator save format {data.get('format')!r}")
        sim = cls(clock, **data["config"])  # type: ignore[call-arg]
        sim.limits = dict(data["limits"])
        for loc in data["locations"]:
            sim.add_location(Location.from_dict(loc))
        for token in data["tokens"]:
            sim.add_token(TokenRecord.from_dict(token))
        sim.metadata = data["metadata"]
        names = {f.name for f in fields(Fault)}
        sim.faults = [Fault(**{k: v for k, v in f.items() if k in names})
                      for f in data["faults"]]
        return sim

    @classmethod
    def load(cls, path: str | Path, clock: Clock) -> Simulator:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")), clock)
