"""The job registry: each job has a name, a trigger and a function.

A feature declares its jobs in its own ``jobs.py``::

    from kundtjanst.jobs.registry import Daily, job

    @job("stats.snapshot", Daily(2, 15), _l("Nightly statistics snapshot."))
    def snapshot(trigger_time: datetime) -> dict[str, int] | None:
        ...

``@job`` turns the function into a `Job`; nothing runs it until it is registered,
which the application factory does for every job in one list
(``kundtjanst.register_jobs``). The function runs in an application context; it
changes the database through the feature's services and leaves committing to the
runner (it may commit earlier itself, e.g. before sending e-mail), and it must be
idempotent: running it twice for the same trigger must do no harm. A job that looks
for work often (``quiet=True``) returns no counts when it found none; such idle runs
leave no lasting record (see `runner`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..core.timeutil import STOCKHOLM
from ..lazytext import lazy_gettext as _l

# Interval triggers count from a fixed instant, so every scheduler process
# computes the same trigger times (and the same trigger runs once).
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)

JobFunction = Callable[[datetime], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Every:
    """Every ``seconds``, or every N of the unit in a configuration key (0: disabled)."""

    seconds: int = 0
    config_key: str | None = None
    unit_seconds: int = 1

    def interval(self, config: Mapping[str, Any]) -> int:
        if self.config_key:
            return int(config.get(self.config_key) or 0) * self.unit_seconds
        return self.seconds

    def build(self, config: Mapping[str, Any]) -> BaseTrigger | None:
        seconds = self.interval(config)
        if seconds <= 0:
            return None
        return IntervalTrigger(seconds=seconds, start_date=EPOCH, timezone=UTC)

    def describe(self, config: Mapping[str, Any]) -> str:
        seconds = self.interval(config)
        if seconds <= 0:
            return str(_l("disabled"))
        if seconds % 60 == 0:
            return str(_l("every %(num)d min", num=seconds // 60))
        return str(_l("every %(num)d s", num=seconds))


@dataclass(frozen=True)
class Daily:
    """Every day at a Stockholm wall-clock time."""

    hour: int
    minute: int = 0

    def build(self, config: Mapping[str, Any]) -> BaseTrigger:
        return CronTrigger(hour=self.hour, minute=self.minute, timezone=STOCKHOLM)

    def describe(self, config: Mapping[str, Any]) -> str:
        at = f"{self.hour:02d}:{self.minute:02d}"
        return str(_l("daily at %(time)s", time=at))


@dataclass(frozen=True)
class Job:
    name: str
    trigger: Every | Daily
    description: Any  # a lazy string
    func: JobFunction
    # Several trigger times missed at once (the scheduler was down) run once, for the last.
    coalesce: bool = True
    # A run that finds nothing to do (returns no counts) is kept as "idle" only as long
    # as a standby scheduler may still wait for its trigger, then forgotten: a job
    # looking for work every few seconds does not fill job_runs.
    quiet: bool = False

    def __call__(self, trigger_time: datetime) -> Mapping[str, Any] | None:
        return self.func(trigger_time)


_JOBS: dict[str, Job] = {}


def job(
    name: str,
    trigger: Every | Daily,
    description: Any,
    *,
    coalesce: bool = True,
    quiet: bool = False,
):
    """Declare the decorated function as the job ``name`` (registered by `register`)."""

    def declare(func: JobFunction) -> Job:
        return Job(name, trigger, description, func, coalesce, quiet)

    return declare


def register(*jobs: Job) -> None:
    """Make ``jobs`` known to the scheduler, the runner and the status pages."""
    for each in jobs:
        _JOBS[each.name] = each


def load() -> dict[str, Job]:
    """Every registered job, by name."""
    return dict(sorted(_JOBS.items()))


def enabled(config: Mapping[str, Any]) -> dict[str, Job]:
    """The jobs this configuration runs: those with a trigger, limited by SCHEDULER_JOBS."""
    only = {n.strip() for n in str(config.get("SCHEDULER_JOBS") or "").split(",") if n.strip()}
    return {
        name: j
        for name, j in load().items()
        if j.trigger.build(config) is not None and (not only or name in only)
    }
