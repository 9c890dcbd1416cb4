"""Outgoing e-mail with the standard library's smtplib.

Configured from the application's settings (environment ``KUNDTJANST_MAIL_*``):
MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL (SMTPS),
MAIL_USERNAME, MAIL_PASSWORD, MAIL_FROM, MAIL_TIMEOUT. Without MAIL_SERVER
nothing is sent: a log line says what would have been.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)


def send(recipients: Iterable[str], subject: str, body: str) -> bool:
    """Send a plain-text message; True if it went to an SMTP server, False if only logged.

    Raises the SMTP or socket error when the server refuses or cannot be reached,
    so that a job records the failure.
    """
    to = sorted({r for r in recipients if r})
    if not to:
        return False
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.warning("No MAIL_SERVER set; not sent to %s: %s", ", ".join(to), subject)
        return False
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message.set_content(body)
    host, port, timeout = config["MAIL_SERVER"], int(config["MAIL_PORT"]), config["MAIL_TIMEOUT"]
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    with smtp_class(host, port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    log.info("Sent to %s: %s", ", ".join(to), subject)
    return True
