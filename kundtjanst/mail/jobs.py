"""Delivering the outbox every minute."""

from __future__ import annotations

from datetime import datetime

from ..jobs.registry import Every, job
from ..lazytext import lazy_gettext as _l
from .services import deliver


@job(
    "mail.send",
    Every(config_key="SCHEDULER_MAIL_SECONDS"),
    _l("Sends the e-mail waiting in the outbox, and tries again what could not be sent."),
)
def send_mail(trigger_time: datetime) -> dict[str, int]:
    return deliver()
