"""Who may do what: permissions, built-in roles, and which tokens a grant covers.

Source: seed 001/002 (Intune, 2020), "Assigning custom role permissions for VPP": the
**Managed apps** permission family governs location tokens, **Mobile apps** governs the
apps and books bought with them, and scope tags split a tenant between teams. Issue 10 adds
the Directory, Audit, Settings and Roles families and the built-in roles below.

Rules (pure, no I/O):
- A grant gives one role to one admin, over every scope or over a set of scope tags.
- A token's scope is its scope tags; a token with no tag is in the default scope
  (`DEFAULT_SCOPE`, which a grant names like any tag).
- Managed apps and Mobile apps permissions are *scoped*: they hold on a token only through
  a grant that covers it. The other families are tenant-wide: any grant holding them gives
  them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from vpp_tui.domain.text import quote
from vpp_tui.i18n import _

DEFAULT_SCOPE = "default"


class Permission(StrEnum):
    """Every permission, as `family.action` (the value is what roles store and show)."""

    # Managed apps: location tokens.
    TOKENS_READ = "managed_apps.read"
    TOKENS_CREATE = "managed_apps.create"
    TOKENS_UPDATE = "managed_apps.update"
    TOKENS_DELETE = "managed_apps.delete"
    TOKENS_SYNC = "managed_apps.sync"
    TOKENS_TAKE_CONTROL = "managed_apps.take_control"
    TOKENS_REVOKE_ALL = "managed_apps.revoke_all"
    # Mobile apps: the apps and books bought with the tokens.
    APPS_READ = "mobile_apps.read"
    APPS_ASSIGN = "mobile_apps.assign"
    APPS_UNASSIGN = "mobile_apps.unassign"
    APPS_REVOKE = "mobile_apps.revoke"  # every license of one app or book
    APPS_REVOKE_HOLDER = "mobile_apps.revoke_holder"  # the licenses of one user or device
    # Tenant-wide families.
    DIRECTORY_READ = "directory.read"
    DIRECTORY_IMPORT = "directory.import"
    AUDIT_READ = "audit.read"
    AUDIT_EXPORT = "audit.export"
    SETTINGS_READ = "settings.read"
    SETTINGS_UPDATE = "settings.update"
    ROLES_READ = "roles.read"
    ROLES_MANAGE = "roles.manage"
    ACT_FOR_OTHERS = "roles.act_for_others"  # `--as NAME` naming someone else

    @property
    def family(self) -> str:
        return self.value.split(".", 1)[0]

    @property
    def scoped(self) -> bool:
        """True when scope tags limit this permission (Managed apps and Mobile apps)."""
        return self.family in SCOPED_FAMILIES


SCOPED_FAMILIES = ("managed_apps", "mobile_apps")
FAMILY_TITLES = {
    "managed_apps": "Managed apps", "mobile_apps": "Mobile apps", "directory": "Directory",
    "audit": "Audit", "settings": "Settings", "roles": "Roles",
}

_ALL = frozenset(Permission)
_READ = frozenset(p for p in Permission if p.value.endswith(".read"))
_MANAGED = frozenset(p for p in Permission if p.family == "managed_apps")
_MOBILE = frozenset(p for p in Permission if p.family == "mobile_apps")

ADMINISTRATOR = "Administrator"
# Built-in roles (issue 10): their permissions live here only, never in the store.
BUILT_IN_ROLES: dict[str, tuple[str, frozenset[Permission]]] = {
    ADMINISTRATOR: ("every permission", _ALL),
    # Reading the directory too: an App manager chooses the groups it assigns to.
    "App manager": ("apps and books; reading tokens and the directory",
                    _MOBILE | {Permission.TOKENS_READ, Permission.DIRECTORY_READ}),
    "Token manager": ("location tokens (Managed apps)", _MANAGED),
    "Help desk": ("read everything; revoke a user's or a device's licenses",
                  _READ | {Permission.APPS_REVOKE_HOLDER}),
    "Read only": ("read everything", _READ),
}


def parse_permission(text: str) -> Permission:
    """`managed_apps.read` (or the member name `TOKENS_READ`) -> Permission.

    Raises ValueError with a one-line message naming the known permissions."""
    cleaned = text.strip()
    for p in Permission:
        if cleaned.lower() in (p.value, p.name.lower()):
            return p
    raise ValueError(_("unknown permission {p}; use one of {all}").format(
        p=quote(text), all=", ".join(p.value for p in Permission)))


def parse_permissions(texts: Iterable[str]) -> frozenset[Permission]:
    """Several permissions; `family.*` stands for every permission of a family."""
    found: set[Permission] = set()
    for text in texts:
        for part in (t for t in text.replace(",", " ").split() if t):
            if part.endswith(".*") and part[:-2] in FAMILY_TITLES:
                found |= {p for p in Permission if p.family == part[:-2]}
            else:
                found.add(parse_permission(part))
    return frozenset(found)


def token_scope(tags: Iterable[str]) -> frozenset[str]:
    """The scope tags a token is in: its own tags, or the default scope when it has none."""
    own = frozenset(t.lower() for t in tags)
    return own or frozenset({DEFAULT_SCOPE})


@dataclass(frozen=True)
class Grant:
    """One role given to one admin: its permissions and the scope it covers."""

    role: str
    permissions: frozenset[Permission]
    all_scopes: bool = False
    scope_tags: frozenset[str] = frozenset({DEFAULT_SCOPE})

    def covers(self, token_tags: Iterable[str]) -> bool:
        """True when this grant reaches a token with `token_tags` (see `token_scope`)."""
        if self.all_scopes:
            return True
        mine = {t.lower() for t in self.scope_tags}
        return bool(mine & token_scope(token_tags))


def allowed(grants: Iterable[Grant], permission: Permission,
            token_tags: Iterable[str] | None = None) -> bool:
    """May an admin holding `grants` do `permission`?

    `token_tags=None`: somewhere (any grant holding it). With a token's tags, a scoped
    permission must come from a grant covering that token; a tenant-wide one from any."""
    holding = [g for g in grants if permission in g.permissions]
    if token_tags is None or not permission.scoped:
        return bool(holding)
    tags = tuple(token_tags)
    return any(g.covers(tags) for g in holding)


def reach(grants: Iterable[Grant], permission: Permission) -> tuple[bool, frozenset[str]]:
    """Which tokens `permission` reaches: (every token, else the scope tags covered).

    The store turns this into a query filter: tokens carrying one of the tags, plus the
    untagged ones when `DEFAULT_SCOPE` is among them."""
    tags: set[str] = set()
    for g in grants:
        if permission not in g.permissions:
            continue
        if g.all_scopes or not permission.scoped:
            return True, frozenset()
        tags |= {t.lower() for t in g.scope_tags}
    return False, frozenset(tags)


def acts_for_others(grants: Iterable[Grant]) -> bool:
    """May an admin holding `grants` act as another admin (`--as NAME`, or a worker
    running a job someone else queued)? Rule: `roles.act_for_others` held somewhere
    (issue 10, "Identity"; issue 13, "Workers on several hosts")."""
    return allowed(grants, Permission.ACT_FOR_OTHERS)


def may_act_as(login: str, actor: str, grants: Iterable[Grant]) -> bool:
    """May `login` (holding `grants`) act as `actor`? Always as itself; as anyone else
    only with `acts_for_others`. A worker claims only the jobs whose admin this allows."""
    return login == actor or acts_for_others(grants)


def permissions_of(grants: Iterable[Grant]) -> frozenset[Permission]:
    """Every permission an admin holds somewhere."""
    out: set[Permission] = set()
    for g in grants:
        out |= g.permissions
    return frozenset(out)


def denial_text(admin: str, permission: Permission, token: str | None = None) -> str:
    """The one line an admin reads when refused: who, what, which permission is missing."""
    if token is not None:
        return _("{admin} may not do this on token {token}: permission {perm} is missing "
                 "for its scope tags; ask an Administrator for a grant").format(
            admin=admin, token=quote(token), perm=permission.value)
    return _("{admin} may not do this: permission {perm} is missing; ask an Administrator "
             "for a grant ('vpp-tui grant {admin} ROLE')").format(
        admin=admin, perm=permission.value)


def describe_permissions(permissions: Iterable[Permission]) -> str:
    """`Mobile apps (read, assign); Directory (read)`: permissions grouped by family in
    FAMILY_TITLES order, actions in Permission order; "nothing" for none. For reviews."""
    held = set(permissions)
    parts = []
    for family, title in FAMILY_TITLES.items():
        actions = [p.value.split(".", 1)[1].replace("_", " ") for p in Permission
                   if p.family == family and p in held]
        if actions:
            parts.append(f"{_(title)} ({', '.join(actions)})")
    return "; ".join(parts) or _("nothing")


def tokens_reached(grant: Grant, tokens_tags: Iterable[Iterable[str]]) -> int:
    """How many of the tokens (each given by its scope tags) `grant` covers."""
    return sum(1 for tags in tokens_tags if grant.covers(tags))
