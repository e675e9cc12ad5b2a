"""A token-file path field that decodes the file as soon as it is entered.

Below the field: "✓ Contoso Schools · expires 2027-09-18", or what is wrong with
the file. The decoded content is kept, so the caller never reads the file twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from vpp_tui.i18n import _
from vpp_tui.services import tokens
from vpp_tui.services.errors import InvalidInput
from vpp_tui.services.views import TokenFilePreview
from vpp_tui.ui.format import day
from vpp_tui.ui.widgets.inputs import TextField


@dataclass
class FileDecoded(Message):
    path: str
    content: str | None
    preview: TokenFilePreview | None
    error: str | None


def read_token_file(path: str, now) -> tuple[str | None, TokenFilePreview | None, str | None]:  # noqa: ANN001
    """(content, preview, error): the error says what is wrong in one line."""
    if not path.strip():
        return None, None, None
    file = Path(path.strip()).expanduser()
    try:
        content = file.read_text(encoding="utf-8", errors="strict")
    except FileNotFoundError:
        return None, None, _("no file at {path}").format(path=path.strip())
    except IsADirectoryError:
        return None, None, _("{path} is a folder; choose the .vpptoken file").format(
            path=path.strip())
    except (OSError, UnicodeDecodeError) as exc:
        return None, None, _("cannot read {path}: {error}").format(path=path.strip(),
                                                                     error=exc)
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
        self.content: str | None = None
        self.preview: TokenFilePreview | None = None
        self.error: str | None = None

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

    @on(Input.Changed, "#token-file-path")
    def _path_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.content = self.preview = self.error = None
        self.decode(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="token-file")
    def decode(self, path: str) -> None:
        content, preview, error = read_token_file(path, self.app.ctx.clock.now())  # type: ignore[attr-defined]
        self.post_message(FileDecoded(path, content, preview, error))

    @on(FileDecoded)
    def _decoded(self, message: FileDecoded) -> None:
        if message.path != self.input.value:
            return  # the admin typed on: an older answer
        self.content, self.preview, self.error = message.content, message.preview, message.error
        note = self.query_one(".file-note", Static)
        note.set_class(self.ok, "-ok")
        note.set_class(self.error is not None, "-error")
        if self.preview is not None:
            note.update(_("✓ {org} · expires {date} ({days} days)").format(
                org=self.preview.org_name, date=day(self.preview.expires_at),
                days=self.preview.days_left))
        elif self.error:
            note.update("✗ " + self.error)
        else:
            note.update(_("The file is checked as soon as you enter it."))
