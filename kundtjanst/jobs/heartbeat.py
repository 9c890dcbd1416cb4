"""A trivial job every SCHEDULER_HEARTBEAT_SECONDS (off by default): its runs in
``job_runs`` show that a scheduler is alive and running each trigger once — used
by the two-process test, and handy when checking a deployment."""

from __future__ import annotations

from datetime import datetime

from ..lazytext import lazy_gettext as _l
from .registry import Every, job


@job(
    "scheduler.heartbeat",
    Every(config_key="SCHEDULER_HEARTBEAT_SECONDS"),
    _l("Does nothing but leave a record that the scheduler is running."),
    coalesce=False,
)
def heartbeat(trigger_time: datetime) -> dict[str, int]:
    return {"beats": 1}
