"""The scheduler lease and the scheduler process: one runner at a time, a dead
leader replaced, every trigger run once — in-process, and with two real
`flask scheduler run` processes on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select

from kundtjanst.core.timeutil import utcnow
from kundtjanst.extensions import db
from kundtjanst.jobs import lease, registry, runner
from kundtjanst.jobs.models import JobRun, SchedulerLease
from kundtjanst.jobs.scheduler import SchedulerProcess
from kundtjanst.jobs.status import active_lease

from .conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def test_the_lease_goes_to_one_holder_and_passes_on_when_it_expires(app):
    with app.app_context():
        assert lease.acquire("a", 30, now=T0) == lease.Taken.NEW
        assert lease.acquire("b", 30, now=T0 + timedelta(seconds=1)) == lease.Taken.REFUSED
        assert lease.acquire("a", 30, now=T0 + timedelta(seconds=10)) == lease.Taken.RENEWED
        # a stops renewing; 30 s after its last renewal b takes over.
        assert lease.acquire("b", 30, now=T0 + timedelta(seconds=39)) == lease.Taken.REFUSED
        assert lease.acquire("b", 30, now=T0 + timedelta(seconds=41)) == lease.Taken.NEW
        assert lease.acquire("a", 30, now=T0 + timedelta(seconds=42)) == lease.Taken.REFUSED
        row = db.session.get(SchedulerLease, lease.SCHEDULER)
        assert row.holder == "b" and row.acquired_at == T0 + timedelta(seconds=41)
        # A clean stop gives it up at once.
        assert lease.release("b", now=T0 + timedelta(seconds=50))
        assert not lease.release("a", now=T0 + timedelta(seconds=50))
        assert lease.acquire("a", 30, now=T0 + timedelta(seconds=51)) == lease.Taken.NEW


def test_the_lease_counts_as_held_until_it_runs_out(app):
    with app.app_context():
        assert active_lease(T0) is None  # never taken
        lease.acquire("a", 30, now=T0)
        assert active_lease(T0 + timedelta(seconds=29)).holder == "a"
        assert active_lease(T0 + timedelta(seconds=30)) is None
        lease.release("a", now=T0 + timedelta(seconds=5))
        assert active_lease(T0 + timedelta(seconds=5)) is None


def test_leases_by_name_are_independent(app):
    with app.app_context():
        assert lease.acquire("a", 30, name="one", now=T0) == lease.Taken.NEW
        assert lease.acquire("b", 30, name="two", now=T0) == lease.Taken.NEW


@pytest.fixture
def quick(app, monkeypatch):
    """Short lease and renew times, and the heartbeat job every 2 seconds."""
    for key, value in {
        "SCHEDULER_LEASE_SECONDS": 1,
        "SCHEDULER_RENEW_SECONDS": 0.2,
        "SCHEDULER_HEARTBEAT_SECONDS": 2,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return app


def runs() -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).order_by(JobRun.trigger_time)))


def test_the_holder_runs_a_trigger_and_a_standby_only_waits_for_it(quick):
    leader, standby = SchedulerProcess(quick, "leader"), SchedulerProcess(quick, "standby")
    assert leader.hold_lease()
    assert not standby.hold_lease()
    leader.execute("scheduler.heartbeat", T0)
    started = time.monotonic()
    standby.execute("scheduler.heartbeat", T0)  # recorded already: returns at once
    assert time.monotonic() - started < 0.5
    with quick.app_context():
        assert [(r.holder, r.outcome) for r in runs()] == [("leader", "ok")]


def test_a_standby_takes_over_a_dead_leaders_trigger(quick):
    leader, standby = SchedulerProcess(quick, "leader"), SchedulerProcess(quick, "standby")
    assert leader.hold_lease()
    trigger = utcnow().replace(microsecond=0)
    # The leader dies before the trigger: the standby waits out its lease, then runs it.
    started = time.monotonic()
    standby.execute("scheduler.heartbeat", trigger)
    waited = time.monotonic() - started
    assert 0.5 < waited < 3
    standby.catching_up.join(timeout=30)
    with quick.app_context():
        beats = [(r.holder, r.trigger_time) for r in runs() if r.job == "scheduler.heartbeat"]
        assert ("standby", trigger) in beats and len(beats) == len(set(beats))
        assert all(holder == "standby" for holder, _ in beats)
        assert lease.current().holder == "standby"


def test_a_process_started_after_the_holder_died_runs_the_triggers_nobody_ran(quick, monkeypatch):
    """The standbys knew the triggers since the holder's death; a process started
    after it did not, and when it wins the lease it runs them (each once)."""
    monkeypatch.setitem(quick.config, "SCHEDULER_HEARTBEAT_SECONDS", 1)
    leader = SchedulerProcess(quick, "leader")
    assert leader.hold_lease()
    time.sleep(1.2)  # the leader dies: its lease (1 s) runs out
    fresh = SchedulerProcess(quick, "fresh")
    taken_at = utcnow()
    assert fresh.hold_lease()
    fresh.catching_up.join(timeout=30)
    with quick.app_context():
        beats = [r for r in runs() if r.job == "scheduler.heartbeat"]
    # Lease + two renew times back: 1.4 s, so at least one whole second.
    assert beats and all(r.holder == "fresh" for r in beats)
    times = [r.trigger_time for r in beats]
    assert len(times) == len(set(times))
    earliest = taken_at - timedelta(seconds=1.4 + 0.1)
    assert all(earliest <= t <= utcnow() for t in times), (taken_at, times)


def heartbeat_trigger(app):
    return SchedulerProcess(app, "probe").jobs["scheduler.heartbeat"].trigger.build(app.config)


def test_a_standby_gives_up_after_the_grace_period(quick, monkeypatch):
    standby = SchedulerProcess(quick, "standby")
    monkeypatch.setattr(standby, "hold_lease", lambda: False)
    standby.execute("scheduler.heartbeat", utcnow() - timedelta(hours=1))
    with quick.app_context():
        assert runs() == []


def test_a_new_holder_marks_runs_left_running_as_failed(quick):
    with quick.app_context():
        assert runner.claim("sla.watch", T0, "dead-process") is not None
        assert runner.claim("sla.watch", T0 + timedelta(minutes=5), "me") is not None
    assert SchedulerProcess(quick, "me").hold_lease()
    with quick.app_context():
        by_holder = {r.holder: r for r in runs()}
        assert by_holder["dead-process"].outcome == "error"
        assert by_holder["dead-process"].error == runner.ABANDONED
        assert by_holder["me"].outcome == "running"


def test_the_scheduler_loop_runs_and_stops_cleanly(quick):
    process = SchedulerProcess(quick, "loop")
    scheduler = process.build_scheduler()
    assert [j.id for j in scheduler.get_jobs()] == sorted(process.jobs)
    assert "scheduler.heartbeat" in process.jobs


def test_the_admin_page_lists_the_jobs_and_the_lease(app, org, login_as):
    with app.app_context():
        lease.acquire("vm:123:abc", 30)
        runner.run(app, registry.load()["sla.watch"], T0, "vm:123:abc")
    page = login_as("admin").get("/admin/jobb").get_data(as_text=True)
    assert "Schemaläggaren vm:123:abc kör jobben" in page
    assert 'id="job-sla-watch"' in page and "var 5:e minut" in page
    assert 'id="job-retention-nightly"' in page and "varje dag kl. 03:00" in page
    assert "Aldrig" in page  # retention has not run
    for who in ("agent", "member", "manager"):
        assert login_as(who).get("/admin/jobb").status_code == 403


# --- two real scheduler processes on PostgreSQL ------------------------------------


def start_scheduler(database_url: str, log) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_SCHEDULER_HEARTBEAT_SECONDS": "2",
        "KUNDTJANST_SCHEDULER_LEASE_SECONDS": "3",
        "KUNDTJANST_SCHEDULER_RENEW_SECONDS": "1",
        "KUNDTJANST_SCHEDULER_JOBS": "scheduler.heartbeat",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "scheduler", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def holder_pid(holder: str) -> int:
    return int(holder.split(":")[1])


@pytest.mark.postgres
def test_two_scheduler_processes_run_every_trigger_once(app, database_url, tmp_path):
    log_files = [(tmp_path / name).open("w") for name in ("first.log", "second.log")]
    first = start_scheduler(database_url, log_files[0])
    time.sleep(0.7)
    second = start_scheduler(database_url, log_files[1])
    processes = {first.pid: first, second.pid: second}
    try:
        time.sleep(9)
        with app.app_context():
            leader = lease.current().holder
        victim = processes.pop(holder_pid(leader))
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=5)
        killed_at = utcnow()
        time.sleep(11)
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=15)
        for log in log_files:
            log.close()
    logs = "\n".join(p.read_text() for p in tmp_path.glob("*.log"))

    with app.app_context():
        found = [r for r in runs() if r.job == "scheduler.heartbeat"]
        times = [r.trigger_time for r in found]
        # Every trigger once: no duplicates and no gaps, two seconds apart.
        assert Counter(times).most_common(1)[0][1] == 1, logs
        assert len(times) >= 8, logs
        assert all(b - a == timedelta(seconds=2) for a, b in pairwise(times)), logs
        assert all(r.outcome == "ok" or r.error == runner.ABANDONED for r in found), logs
        holders = {r.holder for r in found}
        assert len(holders) == 2, logs  # the survivor took over
        assert leader in holders
        after = [r for r in found if r.trigger_time > killed_at + timedelta(seconds=1)]
        assert after and {r.holder for r in after} == holders - {leader}, logs
        # The survivor gave the lease up when it was stopped.
        assert lease.current().expires_at <= utcnow()
