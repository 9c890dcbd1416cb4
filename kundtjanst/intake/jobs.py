"""Receipts of the public form: status-link tokens are kept only briefly."""

from __future__ import annotations

from datetime import datetime

from ..core.timeutil import utcnow
from ..jobs.registry import Every, job
from ..lazytext import lazy_gettext as _l
from .services import tidy


@job(
    "intake.receipts",
    Every(15 * 60),
    _l("Wipes the status links kept for showing receipts, and removes old receipts."),
)
def tidy_receipts(trigger_time: datetime) -> dict[str, int]:
    return tidy(utcnow())
