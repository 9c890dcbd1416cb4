"""Where an attachment's bytes live: a file store behind a small interface (put, open,
delete by key, and the keys for the orphan sweep), so object storage can replace the
local folder without touching anything else. Keys are random (`new_key`), never made
from a file's name or anything else a sender chose.

The bytes and the rows must agree, though the store takes part in no database
transaction:

* a file is written **before** its row is flushed, so a row never points at a file
  that does not exist yet;
* a file written in a transaction that rolls back is deleted when it ends
  (`written`), so nothing is left behind that no row will ever name;
* a file whose row is deleted is removed only **after** the commit (`delete_after_commit`):
  a rollback keeps both.

What a crash between the two steps leaves (a file without a row) is removed by the
job ``attachments.sweep`` (`services.sweep_orphans`), never a file a row names.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

KEY = re.compile(r"^[0-9a-f]{40}$")


def new_key() -> str:
    return secrets.token_hex(20)


class FileStore(Protocol):
    def put(self, key: str, chunks: Iterable[bytes]) -> None:
        """Store the bytes under ``key`` (a new key: nothing is overwritten)."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, to read; FileNotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Remove the bytes; a key with none is no error."""

    def exists(self, key: str) -> bool:
        """Whether bytes are stored under ``key``."""

    def keys(self, older_than: datetime) -> Iterator[str]:
        """Every key stored before ``older_than``."""


class LocalFileStore:
    """Files in a folder on this server's disk: ``<root>/<first two of key>/<key>``.

    On several servers the folder must be shared (NFS, or object storage in its
    place), like the database: every server may be asked for any file."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError("not an attachment key")
        return self.root / key[:2] / key

    def put(self, key: str, chunks: Iterable[bytes]) -> None:
        path = self.path(key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f".{key}.part")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, path)  # whole or not at all
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self, older_than: datetime) -> Iterator[str]:
        """Whole files only: a ``.part`` left by a crash mid-write is no key."""
        if not self.root.is_dir():
            return
        limit = older_than.timestamp()
        for folder in self.root.iterdir():
            if folder.is_dir():
                for path in folder.iterdir():
                    if KEY.match(path.name) and path.stat().st_mtime < limit:
                        yield path.name

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


def store() -> LocalFileStore:
    """The application's store: ``ATTACHMENT_DIR``, by default ``instance/attachments``."""
    configured = current_app.config.get("ATTACHMENT_DIR") or ""
    return LocalFileStore(Path(configured or Path(current_app.instance_path) / "attachments"))


# --- keeping the store in step with the transaction ------------------------------------

_WRITTEN = "attachments.written"  # (store, key) written in this transaction
_DOOMED = "attachments.doomed"  # (store, key) whose rows this transaction deleted


def written(session: Session, file_store: FileStore, key: str) -> None:
    """``key`` was written for a row of this transaction: deleted again if it rolls back."""
    session.info.setdefault(_WRITTEN, []).append((file_store, key))


def delete_after_commit(session: Session, file_store: FileStore, key: str) -> None:
    """``key``'s row was deleted in this transaction: its bytes go once it commits."""
    session.info.setdefault(_DOOMED, []).append((file_store, key))


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)  # theirs now: the rows that name them are saved
    for file_store, key in session.info.pop(_DOOMED, []):
        try:
            file_store.delete(key)
        except OSError:  # left for the sweep: no row names it any more
            current_app.logger.warning("attachment %s could not be deleted", key)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    # Still listed after the transaction's end: it did not commit.
    session.info.pop(_DOOMED, None)
    for file_store, key in session.info.pop(_WRITTEN, []):
        try:
            file_store.delete(key)
        except OSError:
            current_app.logger.warning("attachment %s could not be deleted", key)
