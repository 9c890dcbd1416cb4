"""The answers kept for retried creates are dropped after two days."""

from __future__ import annotations

from datetime import datetime

from ..jobs.registry import Daily, job
from ..lazytext import lazy_gettext as _l
from .services import forget_idempotency


@job(
    "api.idempotency",
    Daily(4, 40),
    _l("Removes the API's kept answers to retried creates (Idempotency-Key) after two days."),
)
def tidy_idempotency(trigger_time: datetime) -> dict[str, int]:
    return {"removed": forget_idempotency()}
