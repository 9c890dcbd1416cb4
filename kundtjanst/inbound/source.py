"""Where incoming mail comes from: the interface a mailbox implements.

A source lists the messages waiting (`waiting`), hands them over with the time the
mailbox received them (`fetch`, in batches), and marks one handled (`done`) — only
after what it became is committed. IMAP with a password is the one source today
(`imap.ImapSource`); a Microsoft 365 mailbox would be another class with the same
three methods (IMAP with XOAUTH2, or Microsoft Graph: README, "Incoming mail").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Fetched:
    """One message as the mailbox holds it."""

    uid: int
    raw: bytes
    received_at: datetime  # aware, when the mailbox received it


class MailSource(Protocol):
    name: str  # shown with each stored mail: which mailbox and folder

    def __enter__(self) -> MailSource: ...

    def __exit__(self, *exc: object) -> None: ...

    def waiting(self) -> list[int]:
        """Every message not yet handled, oldest first (no window: all of them)."""
        ...

    def fetch(self, uids: list[int]) -> Iterator[Fetched]:
        """The messages ``uids``, without marking them read."""
        ...

    def done(self, uid: int) -> None:
        """Mark a handled message: flag it seen, or move it to the processed folder."""
        ...


class NotConfigured(RuntimeError):
    """No mailbox is configured."""


def configured_source(config: Mapping[str, Any]) -> MailSource:
    """The mailbox the settings name; raises `NotConfigured` when they name none."""
    if not config.get("IMAP_HOST"):
        raise NotConfigured("IMAP_HOST is not set")
    from .imap import ImapSource

    return ImapSource.from_config(config)
