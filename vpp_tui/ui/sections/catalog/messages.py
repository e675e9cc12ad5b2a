"""Messages the catalog, assignment, prompt and directory workers post."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class PageLoaded(Message):
    """One page of rows for a section table; `seq` drops answers to older requests."""

    seq: int
    rows: list
    offset: int
    total: int
    tab: str = ""


@dataclass
class LicensePreviewReady(Message):
    spec: object  # the JobSpec that applies it
    preview: object
    apply: object  # apply(ctx, progress), run as a job when the admin confirms
    done: str
    back: object = None  # () -> None: esc on the review reopens the form it came from


@dataclass
class LicenseChangeRefused(Message):
    title: str
    text: str
