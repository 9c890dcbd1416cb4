"""The nightly statistics snapshot: the daily rows the dashboard reads."""

from __future__ import annotations

from datetime import datetime

from ..core.timeutil import local
from ..jobs.registry import Daily, job
from ..lazytext import lazy_gettext as _l
from .services import build_until


@job("stats.snapshot", Daily(0, 30), _l("Builds yesterday's statistics rows, and any missed day."))
def snapshot(trigger_time: datetime) -> dict[str, int]:
    """Running it twice does the same work twice and leaves the same rows."""
    days, rows = build_until(local(trigger_time).date())
    return {"days": days, "rows": rows}
