"""Nightly retention (gallring): see `kundtjanst.retention`."""

from __future__ import annotations

from datetime import datetime

from ..core.timeutil import utcnow
from ..extensions import db
from ..jobs.registry import Daily, job
from ..lazytext import lazy_gettext as _l
from .services import BATCH, anonymise_expired


@job(
    "retention.nightly",
    Daily(3, 0),
    _l("Removes citizens' personal data from tickets closed longer ago than the retention time."),
)
def nightly_retention(trigger_time: datetime) -> dict[str, int]:
    # A batch a transaction: a run holds the rows of one batch at a time, not of all.
    result = anonymise_expired(utcnow(), batch=BATCH, after_batch=db.session.commit)
    return {
        "tickets": result.tickets,
        "events": result.events,
        "attachments": result.attachments,
        "calls": result.calls,
    }
