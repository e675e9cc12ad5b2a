"""The key that encrypts token secrets at rest: checking it and rotating it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vpp_tui.i18n import _, for_store
from vpp_tui.services.access import Permission, authorize
from vpp_tui.services.context import ServiceContext
from vpp_tui.services.errors import ServiceError
from vpp_tui.store.engine import lock_for_writing
from vpp_tui.store.secrets import resolve_key_file, secret_box


@dataclass(frozen=True)
class KeyRotated:
    key_file: Path
    secrets: int  # token secrets re-encrypted


def check_key(ctx: ServiceContext) -> None:
    """Raise SecretKeyError (one line saying what to do) unless the key file is safe and
    opens this store's secrets; a store without secrets and without a key passes."""
    secret_box(ctx.store, ctx.key_file)


def rotate_key(ctx: ServiceContext) -> KeyRotated:
    """A new key for every token secret, in one transaction no other writer can enter.

    The new key is written 0600 and renamed into place inside the transaction; the old key
    waits beside it as `<key>.bak` until the transaction commits (store/key_rotation.py).
    Raises SecretKeyError when the current key is missing, unsafe or wrong, ServiceError
    when the store has no key yet.
    """
    from vpp_tui.services import audit  # the ORM: not for `check_key` at every start
    from vpp_tui.store.key_rotation import KeyRotation  # cryptography: only for a rotation

    authorize(ctx, Permission.SETTINGS_UPDATE)
    box = secret_box(ctx.store, ctx.key_file)
    if not box.key_file.exists():
        raise ServiceError(_("there is no key to rotate yet: the first token added makes "
                             "{path}").format(path=resolve_key_file(ctx.store, ctx.key_file)))
    with KeyRotation(box) as rotation:
        with ctx.store.session() as session:
            lock_for_writing(session)
            count = rotation.reencrypt(session)
            with for_store():  # the store is shared: English
                audit.record(session, ctx, "key.rotate", str(box.key_file),
                             detail=_("{n} token secrets re-encrypted").format(n=count))
            rotation.install()
    return KeyRotated(key_file=box.key_file, secrets=count)
