"""What an attached file is, read from its bytes; a name that is safe to keep and to
offer again; and which files fit the limits. Plain functions, no Flask, no database.

The type is never taken from the name or from what the sender claims: a file named
``svar.pdf`` that holds HTML is ``application/octet-stream`` (and a file is always
served as a download, never shown in the browser: `attachments.views`).
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO
from urllib.parse import quote

OCTET_STREAM = "application/octet-stream"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
TEXT = "text/plain; charset=utf-8"

# Enough of the start of a file to tell its type (a ZIP's directory is read apart).
HEAD_BYTES = 8192

# (magic bytes at offset 0, type); WebP has its marker at offset 8.
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_ZIP = b"PK\x03\x04"
# The OpenDocument "mimetype" member and the Office parts that name each kind.
_OPEN_DOCUMENT = {ODT.encode(): ODT, ODS.encode(): ODS}
_OFFICE_PARTS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)


def sniff(head: bytes, whole: BinaryIO | None = None) -> str:
    """The content type of a file starting with ``head``. ``whole`` (the file, seekable)
    lets a ZIP be told apart as an Office or OpenDocument file; without it, or for
    any other ZIP, octet-stream."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(_ZIP):
        return _office_type(head, whole)
    if _is_text(head):
        return OCTET_STREAM if _MARKUP.match(head) else TEXT
    return OCTET_STREAM


def _office_type(head: bytes, whole: BinaryIO | None) -> str:
    # OpenDocument stores "mimetype" first and uncompressed: readable from the head.
    if head[30:38] == b"mimetype":
        for name, kind in _OPEN_DOCUMENT.items():
            if head[38 : 38 + len(name)] == name:
                return kind
    if whole is None:
        return OCTET_STREAM
    try:
        whole.seek(0)
        with zipfile.ZipFile(whole) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return OCTET_STREAM
    finally:
        whole.seek(0)
    if "[Content_Types].xml" in names:
        for part, kind in _OFFICE_PARTS:
            if part in names:
                return kind
    return OCTET_STREAM


# Text that a browser would take for a page or a picture that runs script: kept, but
# never called text (whatever it is served as, it is a download: `attachments.views`).
_MARKUP = re.compile(rb"\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<!--)", re.IGNORECASE)

# Text: UTF-8 without control characters other than tab, line breaks and form feed.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_text(head: bytes) -> bool:
    if not head or _BINARY.search(head):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a character: only its last three bytes may be cut.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def sniff_bytes(data: bytes) -> str:
    return sniff(data[:HEAD_BYTES], BytesIO(data) if data.startswith(_ZIP) else None)


# --- names -------------------------------------------------------------------------

NAME_MAX = 200
DEFAULT_NAME = "bilaga"


def safe_filename(name: str | None) -> str:
    """``name`` as it may be kept and offered again: no directories, no control or
    direction characters, no line breaks, one line of at most `NAME_MAX` characters
    (the extension kept), never empty, never "." or ".."."""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]  # the last part of a path, either kind
    text = "".join(
        " " if c.isspace() else c  # tabs and line breaks of every kind too
        for c in text
        if c.isspace() or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = " ".join(text.split()).strip(" .")
    if not text:
        return DEFAULT_NAME
    if len(text) > NAME_MAX:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10 and stem:
            text = stem[: NAME_MAX - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:NAME_MAX].rstrip(" .")
    return text or DEFAULT_NAME


_NOT_PLAIN = re.compile(r"[^A-Za-z0-9 ._()+-]")


def content_disposition(name: str) -> str:
    """``attachment`` with ``name`` for every browser (RFC 6266): a plain-ASCII
    ``filename`` (letters without their accents, anything else as "_"), and the name as
    it is in ``filename*`` (RFC 8187, UTF-8) when that differs."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = _NOT_PLAIN.sub("_", plain).strip(" .") or DEFAULT_NAME
    header = f'attachment; filename="{plain}"'
    if plain != name:
        header += "; filename*=UTF-8''" + quote(name, safe="")
    return header


def human_size(size: int) -> str:
    """``1 234 567`` bytes → "1,2 MB" (Swedish decimal comma); below 1 kB in bytes."""
    if size < 1000:
        return f"{size} B"
    for unit, step in (("kB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        if size < step * 1000 or unit == "GB":
            value = size / step
            text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
            return text.replace(".", ",") + " " + unit
    raise AssertionError("unreachable")


# --- limits ------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Files a ticket may hold: how many, how large each, how large together."""

    max_files: int
    max_file_bytes: int
    max_total_bytes: int

    @classmethod
    def of(cls, config: Mapping) -> Limits:
        """The limits a configuration sets (``ATTACHMENT_*``)."""
        return cls(
            max_files=config["ATTACHMENT_MAX_FILES"],
            max_file_bytes=config["ATTACHMENT_MAX_FILE_BYTES"],
            max_total_bytes=config["ATTACHMENT_MAX_TOTAL_BYTES"],
        )


@dataclass(frozen=True)
class Part:
    """A file offered for a ticket: the sender's name for it, and its bytes (seekable)."""

    filename: str | None
    stream: BinaryIO
    size: int

    @classmethod
    def of_stream(cls, filename: str | None, stream: BinaryIO) -> Part:
        stream.seek(0, os.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        return cls(filename, stream, size)


@dataclass(frozen=True)
class Refusal:
    index: int  # which of the offered files
    reason: str  # "too_large" (alone), "too_many", "over_total"


def within(limits: Limits, sizes: Sequence[int], *, held: int = 0, held_bytes: int = 0):
    """Which of files of ``sizes``, offered in order to a ticket already holding
    ``held`` files of ``held_bytes``, fit: (indexes kept, refusals). A file too large
    alone is refused first; the others are taken in order while they fit."""
    kept: list[int] = []
    refused: list[Refusal] = []
    count, total = held, held_bytes
    for index, size in enumerate(sizes):
        if size > limits.max_file_bytes:
            refused.append(Refusal(index, "too_large"))
        elif count >= limits.max_files:
            refused.append(Refusal(index, "too_many"))
        elif total + size > limits.max_total_bytes:
            refused.append(Refusal(index, "over_total"))
        else:
            kept.append(index)
            count += 1
            total += size
    return kept, refused
