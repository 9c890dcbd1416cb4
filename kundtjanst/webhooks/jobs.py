"""Sending webhook deliveries every 30 seconds."""

from __future__ import annotations

from datetime import datetime

from ..jobs.registry import Every, job
from ..lazytext import lazy_gettext as _l
from .sending import deliver


@job(
    "webhooks.send",
    Every(config_key="SCHEDULER_WEBHOOK_SECONDS"),
    _l("Sends the webhook deliveries that are due, and tries again those a receiver refused."),
    quiet=True,
)
def send_webhooks(trigger_time: datetime) -> dict[str, int] | None:
    counts = deliver()
    return counts if any(counts.values()) else None
