"""``flask scheduler run``, ``flask scheduler status`` and ``flask scheduler run-job``."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.timeutil import local, utcnow
from . import lease, runner
from .registry import load
from .scheduler import SchedulerProcess
from .status import active_lease, job_statuses

scheduler_cli = AppGroup("scheduler", help="The scheduler that runs the scheduled jobs.")


def _when(value) -> str:
    return f"{local(value):%Y-%m-%d %H:%M:%S}" if value else "–"


@scheduler_cli.command("run")
def run_command() -> None:
    """Run the scheduler until stopped (SIGTERM or Ctrl-C). Start one or more: a lease
    in the database lets exactly one of them run the jobs at a time."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    SchedulerProcess(current_app._get_current_object()).run_forever()


@scheduler_cli.command("status")
def status_command() -> None:
    """List the jobs with their last run, outcome, duration and next run."""
    held = active_lease()
    if held is None:
        click.echo("Lease: free (no scheduler is running jobs).")
    else:
        click.echo(f"Lease: held by {held.holder} until {_when(held.expires_at)}.")
    header = ("Job", "Schedule", "Last run", "Outcome", "Duration", "Counts", "Next run")
    statuses = job_statuses(current_app.config)
    rows = []
    for s in statuses:
        last = s.last
        rows.append(
            (
                s.job.name,
                s.schedule,
                _when(last.trigger_time) if last else "never",
                last.outcome if last else "–",
                f"{last.duration_ms / 1000:.1f} s"
                if last and last.duration_ms is not None
                else "–",
                ", ".join(f"{k} {v}" for k, v in (last.counts or {}).items()) if last else "–",
                _when(s.next_run) if s.active else "not scheduled",
            )
        )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        click.echo("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    for s in statuses:
        if s.last and s.last.outcome == "error" and s.last.error:
            click.echo(f"\n{s.job.name} failed: {s.last.error.strip().splitlines()[-1]}")


@scheduler_cli.command("run-job")
@click.argument("name")
def run_job_command(name: str) -> None:
    """Run one job now, recorded like a scheduled run (for a first run or a retry)."""
    jobs = load()
    if name not in jobs:
        raise click.ClickException(f"No job {name!r}; there are: {', '.join(jobs)}.")
    outcome = runner.run(
        current_app._get_current_object(), jobs[name], utcnow(), f"cli:{lease.new_holder_id()}"
    )
    if outcome is None or not outcome.ok:
        raise click.ClickException(f"{name} failed: {outcome.error if outcome else 'not run'}")
    click.echo(f"{name}: ok, {outcome.counts}")
