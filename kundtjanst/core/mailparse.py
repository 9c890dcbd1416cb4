"""An incoming mail's bytes read into what the desk needs: who sent it, the thread it
continues, its subject and text, its attachments, whether a machine wrote it, and —
for a delivery status notification — which of our messages did not arrive.

Pure (the standard library's `email` package). Reading tolerates what real mail
does wrong: undeclared or unknown charsets, NUL bytes, broken MIME; only a message
with nothing recognisable in it raises `Unparseable`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from .mailtext import clean, decode, html_to_text
from .text import one_line

MAX_ID = 900  # longer Message-IDs are cut (the column takes 998)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,900}>")
# A language tag (BCP 47, as Content-Language carries it: "fi", "sv-FI").
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,7}")
MAX_LANGUAGES = 10


class Unparseable(ValueError):
    """Nothing in these bytes can be read as a mail."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class DeliveryReport:
    """A delivery status notification (RFC 3464): the Message-IDs of the returned
    message, whether delivery failed for good, and why."""

    original_ids: tuple[str, ...]
    failed: bool
    reason: str


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    date: datetime | None = None
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    # Lower-case header name → its values, for the headers that tell machines apart.
    signals: dict[str, list[str]] = field(default_factory=dict)
    report: DeliveryReport | None = None
    defects: int = 0
    # The language tags of Content-Language (RFC 3282), in order: what the mail says
    # it is written in, when the sender's program says so ("fi-FI").
    languages: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this mail answers, nearest first."""
        return self.in_reply_to + [
            m for m in reversed(self.references) if m not in self.in_reply_to
        ]


SIGNAL_HEADERS = (
    "auto-submitted",
    "precedence",
    "x-loop",
    "list-id",
    "list-unsubscribe",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "return-path",
)


def content_hash(raw: bytes) -> str:
    """SHA-256 of what a mail says — its body and the From, To, Cc, Date, Subject and
    Message-ID headers — not of the trace headers each mailbox adds on delivery
    (Received, Delivered-To, Return-Path …): the same mail in two mailboxes hashes
    alike, a different mail reusing a Message-ID does not."""
    head, body = _split(raw)
    wanted = {b"from", b"to", b"cc", b"date", b"subject", b"message-id"}
    digest = hashlib.sha256()
    for name, value in _raw_headers(head):
        if name.lower() in wanted:
            digest.update(name.lower() + b":" + b" ".join(value.split()) + b"\n")
    digest.update(b"\n")
    digest.update(body)
    return digest.hexdigest()


def message_id_of(raw: bytes) -> str:
    """The Message-ID in a mail's header ('' when it has none), read without parsing
    the rest: stored with the bytes before anything else reads them."""
    head, _ = _split(raw)
    for name, value in _raw_headers(head):
        if name.lower() == b"message-id":
            found = _ids(value.decode("utf-8", errors="replace"))
            return found[0] if found else ""
    return ""


def _split(raw: bytes) -> tuple[bytes, bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, found, body = raw.partition(separator)
        if found:
            return head, body
    return raw, b""


def _raw_headers(head: bytes) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = []
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        if line[:1] in (b" ", b"\t") and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + b" " + line.strip())
        elif b":" in line:
            name, _, value = line.partition(b":")
            headers.append((name.strip(), value.strip()))
    return headers


def parse(raw: bytes) -> ParsedMail:
    """Read a mail. Raises `Unparseable` when it has no header a mail has."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    present = {name.lower() for name in message}  # names only: no value parsed
    if not present & {"from", "message-id", "subject", "date"}:
        raise Unparseable("no From, Message-ID, Subject or Date header")
    name, address = _sender(message)
    parsed = ParsedMail(
        message_id=next(iter(_ids(header(message, "Message-ID"))), ""),
        in_reply_to=_ids(header(message, "In-Reply-To")),
        references=_ids(header(message, "References")),
        subject=one_line(header(message, "Subject")),
        from_name=name,
        from_address=address,
        date=_date(header(message, "Date")),
        signals={
            each: [v for v in (header_all(message, each)) if v is not None]
            for each in SIGNAL_HEADERS
            if each in present
        },
        defects=len(message.defects),
        languages=languages(header(message, "Content-Language")),
    )
    if _is_report(message):
        parsed.report = _report(message)
    parsed.text, parsed.attachments = _body_and_attachments(message, parsed.report is not None)
    return parsed


def header(message: Message, name: str) -> str:
    """A header's decoded value on one line ('' when absent); a value the parser cannot
    read is decoded by hand, never raised."""
    values = header_all(message, name)
    return values[0] if values else ""


def header_all(message: Message, name: str) -> list[str]:
    try:
        return [clean(one_line(str(v))) for v in message.get_all(name) or []]
    except Exception:  # malformed header: decode the raw text ourselves
        found = []
        for key, value in message.raw_items():
            if key.lower() == name.lower():
                try:
                    found.append(str(make_header(decode_header(str(value)))))
                except Exception:
                    found.append(str(value))
        return [clean(one_line(v)) for v in found]


def languages(value: str) -> list[str]:
    """The well-formed language tags of a Content-Language value ("fi-FI, sv"); the
    rest is ignored."""
    tags = (part.strip() for part in (value or "").split(",")[:MAX_LANGUAGES])
    return [tag for tag in tags if _LANGUAGE_TAG.fullmatch(tag)]


def _ids(value: str) -> list[str]:
    return [m[:MAX_ID] for m in _MESSAGE_ID.findall(value or "")]


def _sender(message: Message) -> tuple[str, str]:
    raw = header(message, "From")
    try:
        pairs = getaddresses([raw])
    except Exception:
        pairs = [parseaddr(raw)]
    for name, address in pairs:
        address = one_line(address).lower()
        if address.count("@") == 1 and len(address) <= 254 and " " not in address:
            return one_line(name)[:120], address
    return "", ""


def _date(value: str) -> datetime | None:
    try:
        found = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return found if found is not None and found.tzinfo is not None else None


def _safe(read, default):
    """``read()``, or ``default`` when a malformed header makes the parser raise."""
    try:
        return read()
    except Exception:
        return default


def _kind(part: Message) -> str:
    """A part's content type; one the parser cannot read is taken for bytes."""
    return _safe(part.get_content_type, "application/octet-stream")


def _is_report(message: Message) -> bool:
    return (
        _kind(message) == "multipart/report"
        and (_safe(lambda: message.get_param("report-type"), "") or "").lower() == "delivery-status"
    )


def _report(message: Message) -> DeliveryReport:
    ids: list[str] = []
    failed, reasons = False, []
    for part in message.walk():
        kind = _kind(part)
        if kind in ("message/delivery-status", "message/global-delivery-status"):
            for block in _status_blocks(part):
                action = (block.get("Action") or "").strip().lower()
                if action == "failed":
                    failed = True
                    status = (block.get("Status") or "").strip()
                    why = (block.get("Diagnostic-Code") or "").strip()
                    recipient = (block.get("Final-Recipient") or "").strip()
                    reasons.append(one_line(" ".join(x for x in (recipient, status, why) if x)))
        elif kind in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message):
                ids += _ids(header(inner, "Message-ID"))
        elif kind == "text/rfc822-headers":
            payload = part.get_payload(decode=True) or b""
            inner = BytesParser(policy=policy.default).parsebytes(payload, headersonly=True)
            ids += _ids(header(inner, "Message-ID"))
    return DeliveryReport(tuple(dict.fromkeys(ids)), failed, "; ".join(reasons)[:2000])


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = decode(part.get_payload(decode=True) or b"")
    return [
        BytesParser(policy=policy.default).parsebytes(chunk.encode(), headersonly=True)
        for chunk in re.split(r"\r?\n\r?\n", text)
    ]


def _text_of(part: Message) -> str:
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "replace") if isinstance(payload, str) else b""
    text = decode(data, _safe(part.get_content_charset, None))
    return html_to_text(text) if _kind(part) == "text/html" else text


def _is_attachment(part: Message) -> bool:
    disposition = (_safe(part.get_content_disposition, "") or "").lower()
    return disposition == "attachment" or bool(_filename(part))


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return clean(one_line(str(name)))[:255]


def _attachment(part: Message, number: int) -> Attachment:
    kind = _kind(part)
    if part.is_multipart() or kind.startswith("message/"):
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else payload
        data = inner.as_bytes() if isinstance(inner, Message) else b""
    else:
        data = part.get_payload(decode=True) or b""
    default = f"bilaga-{number}" + (".eml" if kind.startswith("message/") else "")
    return Attachment(_filename(part) or default, kind, data)


def _body_and_attachments(message: Message, report: bool) -> tuple[str, list[Attachment]]:
    """The text (the first plain-text part that is no attachment, else the first HTML
    one converted) and every other leaf part as an attachment."""
    plain: list[Message] = []
    html: list[Message] = []
    attachments: list[Attachment] = []
    stack: list[Message] = [message]
    while stack:
        part = stack.pop(0)
        kind = _kind(part)
        if part.is_multipart() and not _is_attachment(part):
            payload = part.get_payload()
            stack[0:0] = (
                [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            )
            continue
        if report and kind in (
            "message/delivery-status",
            "message/global-delivery-status",
            "message/rfc822",
            "text/rfc822-headers",
        ):
            continue
        if kind == "text/plain" and not _is_attachment(part):
            plain.append(part)
        elif kind == "text/html" and not _is_attachment(part):
            html.append(part)
        else:
            attachments.append(_attachment(part, len(attachments) + 1))
    # Plain text when there is some (several parts: a text split around an image);
    # else the HTML, as text. HTML beside plain text is its twin, not an attachment.
    text = (
        "\n\n".join(_text_of(p) for p in plain)
        if plain
        else "\n\n".join(_text_of(p) for p in html[:1])
    )
    return clean(text).strip(), attachments
