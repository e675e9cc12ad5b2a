"""Reading a file the admin names (a token file, a directory export), never more than a limit.

A path can name anything: `/dev/zero`, a FIFO, a 2 GB sparse file, a folder. Reading it
whole before looking at its size ends in a MemoryError, so every reader of a user's file
goes through `read_user_file`, which reads at most `limit + 1` bytes and refuses the rest.
The limits are `domain.limits.MAX_TOKEN_FILE_BYTES` and `MAX_DIRECTORY_FILE_BYTES`.
"""

from __future__ import annotations

import stat
from pathlib import Path

from vpp_tui.domain.limits import size_problem
from vpp_tui.domain.text import quote
from vpp_tui.i18n import _
from vpp_tui.services.errors import InvalidInput


class FileRefused(InvalidInput):
    """The file cannot be read, is a folder, or is larger than the limit: nothing was read
    beyond `limit + 1` bytes and nothing changed. `message` is one line naming the path."""


def read_user_file(path: str, limit: int) -> bytes:
    """The bytes of the file at `path` (`~` expanded), at most `limit` of them.

    A regular file larger than `limit` is refused from its size, unread; anything else
    that opens (a FIFO, `/dev/stdin`, a character device such as `/dev/zero`) is read up to
    `limit + 1` bytes and refused when that last byte arrives. Raises FileRefused for a
    folder, a file too large, or an OS error (missing, no permission), one line each."""
    file = Path(path).expanduser()
    try:
        info = file.stat()
        if stat.S_ISDIR(info.st_mode):
            raise FileRefused(_("{path} is a folder, not a file; give the path of the file "
                                "itself").format(path=quote(path)))
        if stat.S_ISREG(info.st_mode):
            _check_size(path, info.st_size, limit)
        with file.open("rb") as handle:
            content = handle.read(limit + 1)  # a buffered read: up to this many, or EOF
    except OSError as exc:
        raise FileRefused(_("cannot read {path}: {why}; check the path").format(
            path=quote(path), why=exc.strerror or exc)) from exc
    _check_size(path, len(content), limit)
    return content


def _check_size(path: str, size: int, limit: int) -> None:
    problem = size_problem(size, limit)
    if problem:
        raise FileRefused(_("{path} {problem}; nothing was changed: check that this is the "
                            "right file").format(path=quote(path), problem=problem))
