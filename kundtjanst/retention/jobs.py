"""Nightly retention (gallring): see `kundtjanst.retention`."""

from __future__ import annotations

from datetime import datetime

from ..core.timeutil import utcnow
from ..jobs.registry import Daily, job
from ..lazytext import lazy_gettext as _l
from .services import anonymise_expired


@job(
    "retention.nightly",
    Daily(3, 0),
    _l("Removes citizens' personal data from tickets closed longer ago than the retention time."),
)
def nightly_retention(trigger_time: datetime) -> dict[str, int]:
    result = anonymise_expired(utcnow())
    return {
        "tickets": result.tickets,
        "events": result.events,
        "attachments": result.attachments,
        "calls": result.calls,
    }
