"""A token-file path field that decodes the file as soon as it is entered.

Below the field: "✓ Contoso Schools · expires 2027-09-18", or what is wrong with
the file. The file's bytes are kept (whatever its encoding: a byte-order mark is the
codec's business), so the caller never reads the file twice. A caller that asked Apple
about the file shows the answer here too (`admitted`, `refuse`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from vpp_tui.domain.limits import MAX_TOKEN_FILE_BYTES
from vpp_tui.i18n import _
from vpp_tui.services import tokens
from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.user_files import FileRefused, read_user_file
from vpp_tui.services.views import TokenFilePreview
from vpp_tui.ui.format import day
from vpp_tui.ui.widgets.inputs import TextField


@dataclass
class FileDecoded(Message):
    path: str
    content: bytes | None
    preview: TokenFilePreview | None
    error: str | None
    raw: bytes | None = None  # the bytes read, also when the codec refused them


def read_token_file(path: str, now) -> tuple[bytes | None, TokenFilePreview | None, str | None]:  # noqa: ANN001
    """(content, preview, error): the file's bytes and what they decode to, or what is
    wrong in one line. Reading is the codec's business: a file an editor saved in UTF-16 or
    with a byte-order mark decodes like the original."""
    if not path.strip():
        return None, None, None
    file = Path(path.strip()).expanduser()
    if not file.exists():
        return None, None, _("no file at {path}").format(path=path.strip())
    if file.is_dir():
        return None, None, _("{path} is a folder; choose the .vpptoken file").format(
            path=path.strip())
    try:
        content = read_user_file(path.strip(), MAX_TOKEN_FILE_BYTES)
    except FileRefused as exc:
        return None, None, exc.message
    try:
        return content, tokens.preview_file(content, now=now), None
    except InvalidInput as exc:
        return None, None, str(exc)


class TokenFileField(Vertical):
    DEFAULT_CSS = """
    TokenFileField { height: auto; }
    TokenFileField .file-note { height: auto; padding: 0 1; color: $text-muted; }
    TokenFileField .file-note.-ok { color: $success; }
    TokenFileField .file-note.-error { color: $error; }
    """

    def __init__(self, *, id: str | None = None, value: str = "") -> None:  # noqa: A002
        super().__init__(id=id)
        self._value = value
        self.content: bytes | None = None
        self.preview: TokenFilePreview | None = None
        self.error: str | None = None
        #: the file's bytes when it was read but does not decode (a refused token file)
        self.raw: bytes | None = None

    def compose(self) -> ComposeResult:
        yield TextField(self._value, placeholder=_("path to the .vpptoken file, e.g. "
                                               "~/Downloads/North.vpptoken"),
                    id="token-file-path")
        yield Static(_("The file is checked as soon as you enter it."), classes="file-note")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def ok(self) -> bool:
        return self.content is not None and self.error is None

    def demand(self) -> None:
        """The caller needs a file now: say so under the field if nothing better is there."""
        if self.error is None and self.content is None:
            note = self.query_one(".file-note", Static)
            note.set_class(True, "-error")
            note.update("✗ " + _("Enter the path of the .vpptoken file."))

    def refuse(self, text: str) -> None:
        """The file was refused (by Apple, or expired): say why under the field; not ok."""
        self.error = text
        self._show()

    def admitted(self, preview: TokenFilePreview) -> None:
        """Apple answered for the file: show the location it named."""
        self.preview = preview
        self._show()

    @on(Input.Changed, "#token-file-path")
    def _path_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.content = self.preview = self.error = self.raw = None
        self.decode(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="token-file")
    def decode(self, path: str) -> None:
        content, preview, error = read_token_file(path, self.app.ctx.clock.now())  # type: ignore[attr-defined]
        raw = content
        if content is None and error is not None:
            try:
                raw = Path(path.strip()).expanduser().read_bytes()
            except OSError:
                raw = None  # nothing was read: no token file to refuse
        self.post_message(FileDecoded(path, content, preview, error, raw))

    @on(FileDecoded)
    def _decoded(self, message: FileDecoded) -> None:
        if message.path != self.input.value:
            return  # the admin typed on: an older answer
        self.content, self.preview, self.error = message.content, message.preview, message.error
        self.raw = message.raw
        self._show()

    def _show(self) -> None:
        note = self.query_one(".file-note", Static)
        expired = self.preview is not None and self.preview.days_left <= 0
        note.set_class(self.ok and not expired, "-ok")
        note.set_class(self.error is not None or expired, "-error")
        if self.error:
            note.update("✗ " + self.error)
        elif self.preview is not None and expired:
            note.update(_("✗ {org} · expired on {date}: Apple refuses it; download a new "
                          "token").format(org=self.preview.org_name,
                                          date=day(self.preview.expires_at)))
        elif self.preview is not None:
            place = (_("{location} · ").format(location=self.preview.location_name)
                     if self.preview.location_name else "")
            note.update(_("✓ {org} · {place}expires {date} ({days} days)").format(
                org=self.preview.org_name, place=place, date=day(self.preview.expires_at),
                days=self.preview.days_left))
        else:
            note.update(_("The file is checked as soon as you enter it."))
