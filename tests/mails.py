"""Real messages for the incoming-mail tests: built as mail clients and servers build
them (the standard library's email package), as bytes to APPEND over IMAP."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

CITIZEN = "anna.svensson@example.org"


def mail(
    subject: str = "Fråga om bygglov",
    body: str = "Hej! Behöver jag bygglov för ett plank?\n\nAnna",
    *,
    sender: str = f"Anna Svensson <{CITIZEN}>",
    to: str = "kundtjanst@sjostad.se",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    html: str | None = None,
    html_only: bool = False,
    attachments: list[tuple[str, str, bytes]] = (),
    date: datetime | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    if html_only:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html:
            message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes(policy=SMTP)


def dsn(original: bytes, *, action: str = "failed", recipient: str = CITIZEN) -> bytes:
    """A delivery status notification (RFC 3464) returning ``original``."""
    boundary = "dsn-boundary-1"
    return (
        (
            "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
            "To: noreply@sjostad.se\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\n"
            f"Message-ID: {make_msgid(domain='mx.example.org')}\r\n"
            "Auto-Submitted: auto-replied\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/report; report-type=delivery-status;\r\n"
            f' boundary="{boundary}"\r\n'
            "\r\n"
            f"--{boundary}\r\n"
            "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
            "Your message could not be delivered.\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.org\r\n\r\n"
            f"Final-Recipient: rfc822; {recipient}\r\n"
            f"Action: {action}\r\n"
            "Status: 5.1.1\r\n"
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
            f"--{boundary}\r\n"
            "Content-Type: message/rfc822\r\n\r\n"
        ).encode()
        + original
        + f"\r\n--{boundary}--\r\n".encode()
    )
