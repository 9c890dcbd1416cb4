"""The scheduler process: APScheduler, a lease, and the job runner.

``flask scheduler run`` starts one `SchedulerProcess`. Start as many as you
like (one per server, say): every process keeps APScheduler's triggers, but
only the lease holder runs jobs.

* A thread renews (or tries to take) the lease every SCHEDULER_RENEW_SECONDS;
  the lease lasts SCHEDULER_LEASE_SECONDS. A holder killed outright stops
  renewing, and a standby takes over within lease + renew time (under a minute
  with the defaults 30 s and 10 s). A clean stop (SIGTERM, Ctrl-C) gives the
  lease up at once.
* APScheduler's executor is replaced by `LeaseExecutor`, which hands each
  trigger time to `SchedulerProcess.execute`: the holder runs the job (the
  runner records it, once per trigger); a standby waits until the trigger has
  been recorded by the holder, or until it has taken the lease over itself —
  then it runs the trigger the dead holder missed. Giving up after a grace
  period (twice lease + renew time) is logged.
* A process that takes the lease over from another (`catch_up`) also runs, once, every trigger of
  the last lease + two renew times that nobody ran: a scheduler started after the
  holder died knows nothing of the triggers in between, and when it wins the lease
  the standbys that knew them wait in vain.
"""

from __future__ import annotations

import concurrent.futures
import logging
import signal
import threading
from collections import defaultdict
from datetime import datetime, timedelta

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from ..core.timeutil import utcnow
from . import lease, runner
from .registry import Job, enabled

log = logging.getLogger(__name__)


def _trigger_placeholder() -> None:
    """APScheduler wants a callable per job; `LeaseExecutor` runs the real one."""


class LeaseExecutor(BaseExecutor):
    """Runs each due trigger time through `SchedulerProcess.execute` in a thread pool."""

    def __init__(self, process: SchedulerProcess, max_workers: int = 8):
        super().__init__()
        self.process = process
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers, thread_name_prefix="job")

    def _do_submit_job(self, job, run_times):
        def work() -> list[JobExecutionEvent]:
            events = []
            for run_time in run_times:
                self.process.execute(job.id, run_time)
                events.append(
                    JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, job._jobstore_alias, run_time)
                )
            return events

        def done(future: concurrent.futures.Future) -> None:
            error = future.exception()
            if error is not None:
                self._run_job_error(job.id, error, error.__traceback__)
            else:
                self._run_job_success(job.id, future.result())

        self._pool.submit(work).add_done_callback(done)

    def shutdown(self, wait=True):
        self._pool.shutdown(wait=wait, cancel_futures=not wait)


def fire_times(trigger, since: datetime, until: datetime) -> list[datetime]:
    """The times ``trigger`` (APScheduler's; None: disabled) fired in [since, until)."""
    times: list[datetime] = []
    if trigger is None:
        return times
    moment = trigger.get_next_fire_time(None, since)
    while moment is not None and moment < until and len(times) < 1000:
        times.append(moment)
        moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
    return times


class SchedulerProcess:
    def __init__(self, app: Flask, holder: str | None = None):
        self.app = app
        self.holder = holder or lease.new_holder_id()
        config = app.config
        self.lease_seconds = float(config["SCHEDULER_LEASE_SECONDS"])
        self.renew_seconds = float(config["SCHEDULER_RENEW_SECONDS"])
        self.poll_seconds = max(0.1, min(2.0, self.renew_seconds / 4))
        self.grace = runner.standby_grace(config)
        with app.app_context():
            self.jobs: dict[str, Job] = enabled(config)
        self.stopping = threading.Event()
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self.scheduler: BlockingScheduler | None = None
        self.catching_up: threading.Thread | None = None

    # -- the lease -------------------------------------------------------------------

    def hold_lease(self) -> bool:
        """Take or renew the lease; True while we hold it."""
        with self.app.app_context():
            try:
                before = lease.current()
                previous = before.holder if before is not None else None
                taken = lease.acquire(self.holder, self.lease_seconds)
            except Exception:
                log.exception("Could not reach the database to renew the lease")
                return False
            if taken == lease.Taken.NEW:
                log.info("Scheduler %s now holds the lease and runs the jobs", self.holder)
                abandoned = runner.abandon_others(self.holder)
                if abandoned:
                    log.warning("Marked %d runs of a stopped scheduler as failed", abandoned)
                if previous and previous != self.holder:  # taken over from another
                    self.catching_up = threading.Thread(
                        target=self.catch_up, name="catch-up", daemon=True
                    )
                    self.catching_up.start()
            return taken != lease.Taken.REFUSED

    def catch_up(self) -> None:
        """Run the triggers of the last lease + two renew times that nobody ran (each
        once: `runner.run` skips a trigger already recorded)."""
        until = utcnow()
        since = until - timedelta(seconds=self.lease_seconds + 2 * self.renew_seconds)
        for job in self.jobs.values():
            trigger = job.trigger.build(self.app.config)
            for trigger_time in fire_times(trigger, since, until):
                if self.stopping.is_set():
                    return
                self.execute(job.name, trigger_time)

    def _renew_forever(self) -> None:
        while not self.stopping.is_set():
            self.hold_lease()
            self.stopping.wait(self.renew_seconds)

    # -- running a trigger -------------------------------------------------------------

    def execute(self, name: str, trigger_time: datetime) -> None:
        """Run ``name`` for ``trigger_time`` once, here if we hold the lease; otherwise
        wait for the holder to record it, or for the lease to pass to us."""
        job = self.jobs[name]
        deadline = trigger_time + self.grace
        with self._locks[name]:
            while not self.stopping.is_set():
                if self.hold_lease():
                    runner.run(self.app, job, trigger_time, self.holder)
                    return
                with self.app.app_context():
                    if runner.already_claimed(name, trigger_time):
                        return
                if utcnow() > deadline:
                    log.warning("Gave up %s at %s: no scheduler ran it", name, trigger_time)
                    return
                self.stopping.wait(self.poll_seconds)

    # -- the process --------------------------------------------------------------------

    def build_scheduler(self) -> BlockingScheduler:
        scheduler = BlockingScheduler(
            executors={"default": LeaseExecutor(self)},
            job_defaults={"max_instances": 50, "misfire_grace_time": None},
            timezone="UTC",
        )
        for job in self.jobs.values():
            scheduler.add_job(
                _trigger_placeholder,
                trigger=job.trigger.build(self.app.config),
                id=job.name,
                name=job.name,
                coalesce=job.coalesce,
            )
        return scheduler

    def stop(self, *_args) -> None:
        self.stopping.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def run_forever(self) -> None:
        """Block until SIGTERM or SIGINT; give the lease up on the way out."""
        self.scheduler = self.build_scheduler()
        renewer = threading.Thread(target=self._renew_forever, name="lease", daemon=True)
        renewer.start()
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
        log.info("Scheduler %s started with jobs: %s", self.holder, ", ".join(self.jobs))
        try:
            self.scheduler.start()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
            renewer.join(timeout=self.renew_seconds + 5)
            with self.app.app_context():
                lease.release(self.holder)
            log.info("Scheduler %s stopped", self.holder)
