"""A mailbox over IMAP (the standard library's imaplib).

Settings (environment ``KUNDTJANST_IMAP_*``): IMAP_HOST, IMAP_PORT, IMAP_USERNAME,
IMAP_PASSWORD, IMAP_SECURITY (``ssl``, ``starttls`` or ``none``), IMAP_FOLDER (the
folder read, ``INBOX``), IMAP_PROCESSED_FOLDER (when set, a handled message is moved
there instead of flagged ``\\Seen``), IMAP_TIMEOUT and IMAP_BATCH (messages per FETCH).

Without a processed folder the unseen messages are read (``UID SEARCH UNSEEN``); with
one, every message still in the folder is, seen or not: someone reading the mailbox
in a mail client cannot make a message be skipped. Messages are fetched with
``BODY.PEEK[]``, which leaves them unseen until `done`.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from .source import Fetched

_UID = re.compile(rb"UID (\d+)")
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')
SECURITY = ("ssl", "starttls", "none")


class ImapError(RuntimeError):
    """The server refused a command."""


def _check(result: tuple[str, list], what: str) -> list:
    typ, data = result
    if typ != "OK":
        raise ImapError(f"{what}: {typ} {data!r}")
    return data


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSource:
    def __init__(
        self,
        host: str,
        port: int,
        username: str,
        password: str,
        *,
        security: str = "ssl",
        folder: str = "INBOX",
        processed_folder: str = "",
        timeout: float = 30,
        batch: int = 100,
    ) -> None:
        if security not in SECURITY:
            choices = ", ".join(SECURITY)
            raise ValueError(f"IMAP_SECURITY must be one of {choices}, not {security!r}")
        self.host, self.port, self.username, self.password = host, port, username, password
        self.security, self.folder, self.processed_folder = security, folder, processed_folder
        self.timeout, self.batch = timeout, max(int(batch), 1)
        self.name = f"imap://{username}@{host}:{port}/{folder}"
        self.client: imaplib.IMAP4 | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ImapSource:
        security = str(config.get("IMAP_SECURITY") or "ssl").strip().lower()
        return cls(
            config["IMAP_HOST"],
            int(config.get("IMAP_PORT") or (993 if security == "ssl" else 143)),
            config.get("IMAP_USERNAME", ""),
            config.get("IMAP_PASSWORD", ""),
            security=security,
            folder=config.get("IMAP_FOLDER") or "INBOX",
            processed_folder=config.get("IMAP_PROCESSED_FOLDER") or "",
            timeout=float(config.get("IMAP_TIMEOUT") or 30),
            batch=int(config.get("IMAP_BATCH") or 100),
        )

    # --- the connection ------------------------------------------------------------

    def __enter__(self) -> ImapSource:
        context = ssl.create_default_context()
        if self.security == "ssl":
            client = imaplib.IMAP4_SSL(
                self.host, self.port, ssl_context=context, timeout=self.timeout
            )
        else:
            client = imaplib.IMAP4(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                client.starttls(ssl_context=context)
        self.client = client
        self.authenticate(client)
        _check(client.select(_quote(self.folder)), f"SELECT {self.folder}")
        return self

    def authenticate(self, client: imaplib.IMAP4) -> None:
        """Password login. A Microsoft 365 source overrides this with
        ``client.authenticate("XOAUTH2", …)`` and a token (README)."""
        _check(client.login(self.username, self.password), "LOGIN")

    def __exit__(self, *exc: object) -> None:
        if self.client is None:
            return
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            self.client.logout()
        self.client = None

    # --- the three things a source does -------------------------------------------------

    def waiting(self) -> list[int]:
        criterion = "ALL" if self.processed_folder else "UNSEEN"
        data = _check(self.client.uid("SEARCH", criterion), "SEARCH")
        return sorted(int(uid) for uid in b" ".join(d for d in data if d).split())

    def fetch(self, uids: list[int]) -> Iterator[Fetched]:
        for start in range(0, len(uids), self.batch):
            chunk = uids[start : start + self.batch]
            data = _check(
                self.client.uid(
                    "FETCH", ",".join(map(str, chunk)), "(UID INTERNALDATE BODY.PEEK[])"
                ),
                "FETCH",
            )
            for item in data:
                if not isinstance(item, tuple):
                    continue
                head, raw = item
                uid, received = _UID.search(head), _INTERNALDATE.search(head)
                if uid is None or received is None:
                    continue
                yield Fetched(int(uid.group(1)), raw, _internaldate(received.group(1)))

    def done(self, uid: int) -> None:
        if not self.processed_folder:
            _check(self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), "STORE")
            return
        target = _quote(self.processed_folder)
        if "MOVE" in self.client.capabilities:
            result = self.client.uid("MOVE", str(uid), target)
            if result[0] == "OK":
                return
            self.client.create(target)  # the folder may not exist yet
            _check(self.client.uid("MOVE", str(uid), target), "MOVE")
            return
        if self.client.uid("COPY", str(uid), target)[0] != "OK":
            self.client.create(target)
            _check(self.client.uid("COPY", str(uid), target), "COPY")
        _check(self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen \Deleted)"), "STORE")
        if "UIDPLUS" in self.client.capabilities:
            self.client.uid("EXPUNGE", str(uid))
        else:
            self.client.expunge()


def _internaldate(value: bytes) -> datetime:
    """``04-Dec-2026 16:40:00 +0100`` as an aware datetime."""
    return datetime.strptime(value.decode("ascii").strip(), "%d-%b-%Y %H:%M:%S %z")
