"""Reading the mailbox every minute."""

from __future__ import annotations

from datetime import datetime

from ..jobs.registry import Every, job
from ..lazytext import lazy_gettext as _l
from .fetch import run_pass


@job(
    "mail.fetch",
    Every(config_key="SCHEDULER_FETCH_SECONDS"),
    _l("Reads new e-mail from the mailbox into tickets (does nothing without IMAP_HOST)."),
)
def fetch_mail(trigger_time: datetime) -> dict[str, int | str]:
    return run_pass()
