"""The nightly sweep of attachment files no row names (see `attachments.storage`)."""

from __future__ import annotations

from datetime import datetime

from ..core.timeutil import utcnow
from ..jobs.registry import Daily, job
from ..lazytext import lazy_gettext as _l
from .services import sweep_orphans


@job(
    "attachments.sweep",
    Daily(3, 30),
    _l("Deletes attached files that no ticket names (left by an interrupted save)."),
)
def sweep(trigger_time: datetime) -> dict[str, int]:
    return {"files": sweep_orphans(utcnow())}
