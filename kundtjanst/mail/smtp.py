"""Building a message and handing it to an SMTP server (the standard library's smtplib).

Configured from the application's settings (environment ``KUNDTJANST_MAIL_*``):
MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (SMTPS),
MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM, MAIL_TIMEOUT. Without MAIL_SERVER
nothing is sent: a log line says what would have been.

A message is built with `email.message.EmailMessage` under the SMTP policy. Nothing
stored can change its shape: the subject is folded onto one line (`core.text.one_line`:
no line break, control or direction character), every recipient must be one valid
address (others are left out, with a log line), and the envelope goes to exactly
those addresses.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from collections.abc import Iterable
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import TYPE_CHECKING

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from ..core.text import one_line

if TYPE_CHECKING:
    from .models import OutgoingMail

log = logging.getLogger("kundtjanst.mail")


def valid_addresses(recipients: Iterable[str | None]) -> list[str]:
    """The recipients that are each one e-mail address, checked as the forms check
    them (a ``.test`` domain passes only in tests), sorted and without repeats."""
    valid = set()
    for recipient in recipients:
        if not recipient:
            continue
        try:
            result = validate_email(
                recipient, check_deliverability=False, test_environment=current_app.testing
            )
        except EmailNotValidError:
            log.warning("Not an e-mail address, left out: %r", recipient)
            continue
        valid.add(result.normalized)
    return sorted(valid)


def build(mail: OutgoingMail) -> EmailMessage:
    """The message of an outbox row: From, To, Subject (on one line), Date, Message-ID,
    Reply-To and the thread headers when set, ``Auto-Submitted`` for a message nobody
    typed, ``X-Loop`` naming our address (so our own mail coming back is recognised),
    and the body as plain text, with the HTML part beside it when there is one."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = mail.sender
    message["To"] = ", ".join(mail.recipients)
    message["Subject"] = one_line(mail.subject)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = mail.message_id
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    if mail.in_reply_to:
        message["In-Reply-To"] = one_line(mail.in_reply_to)
    if mail.references:
        message["References"] = one_line(mail.references)
    if mail.ticket_id is not None:  # one conversation per ticket in Outlook, too
        message["Thread-Topic"] = one_line(mail.subject).removeprefix("Re: ")
    if mail.auto_submitted:
        message["Auto-Submitted"] = "auto-generated"
    address = parseaddr(mail.sender)[1]
    if address:
        message["X-Loop"] = address
    message.set_content(mail.body)
    if mail.html_body:
        message.add_alternative(mail.html_body, subtype="html")
    return message


def new_message_id(sender: str) -> str:
    """A Message-ID on the sender's mail domain, made once per message and kept, so a
    message sent again after a crash carries the same one (mail clients show it once).
    Its unique part is 128 random bits from the operating system (not `make_msgid`,
    whose part comes from the `random` module that other code may seed)."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{secrets.token_hex(16)}@{one_line(domain)}>"


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


class Connection:
    """One SMTP session for a pass over the outbox: opened at the first message, used
    for the next ones, and opened again after any failure (a refused message may leave
    the session in any state; the next one starts clean)."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        config = current_app.config
        host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
        smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
        smtp = smtp_class(host, port, timeout=config["MAIL_TIMEOUT"])
        try:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage, to: list[str]) -> None:
        """Hand ``message`` to the server for ``to``. Raises the SMTP or socket error
        when the server refuses it or cannot be reached."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            self._smtp.send_message(message, to_addrs=to)
        except BaseException:
            self.close()
            raise
        log.info("Sent to %s: %s", message["To"], message["Subject"])

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def permanent(error: BaseException) -> bool:
    """A refusal that sending again will not change: the server answered 5xx."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and code >= 500
