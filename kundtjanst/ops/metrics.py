"""Prometheus metrics for /metrics: request latency by route, and figures read from the
database when scraped (outbox, webhook deliveries, job runs, the scheduler lease) plus
the connection pool's use.

Request latency is a histogram labelled by the Flask endpoint (never the raw path: no
references or status tokens in labels), the method and the status class (2xx…5xx).
Under gunicorn with several workers each worker keeps its own figures; set
PROMETHEUS_MULTIPROC_DIR (an empty directory, before the processes start) and
prometheus_client's multiprocess mode adds them up at scrape time, whichever worker
answers (gunicorn.conf.py removes a dead worker's live figures). Without it, each
process answers with its own.

The database figures are gauges computed on each scrape by a collector; when the
database does not answer they are left out (kundtjanst_database_up is 0) and the
request figures still come.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime

from flask import g, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from ..core.timeutil import utcnow
from ..extensions import db
from . import queries

PREFIX = "kundtjanst"
NO_ROUTE = "none"  # a request no URL rule matched (a 404, a 405)

# One histogram per process: the label values are bounded (endpoints, methods, five
# status classes). Not registered anywhere; each scrape builds its registry.
REQUEST_SECONDS = Histogram(
    f"{PREFIX}_request_duration_seconds",
    "Time from the request's start to its response, by route (Flask endpoint).",
    labelnames=("endpoint", "method", "status"),
    registry=None,
)

_STARTED = "_metrics_started"


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


# --- the request histogram ----------------------------------------------------------


def start_timer() -> None:
    setattr(g, _STARTED, time.perf_counter())


def _observe(status: int) -> None:
    started = g.pop(_STARTED, None)  # once per request, whichever hook gets there
    if started is None:
        return
    REQUEST_SECONDS.labels(
        endpoint=request.endpoint or NO_ROUTE,
        method=request.method,
        status=f"{status // 100}xx",
    ).observe(max(time.perf_counter() - started, 0.0))


def observe_response(response):
    _observe(response.status_code)
    return response


def observe_teardown(error: BaseException | None) -> None:
    """A request whose response never passed after_request (an error on the way out)
    still counts, as a 5xx."""
    _observe(500)


# --- the database figures -------------------------------------------------------------


def _seconds_since(moment: datetime | None, now: datetime) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment is not None else 0.0


class DatabaseCollector(Collector):
    """Gauges read at scrape time. Runs inside the /metrics request (the app context)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from pool_figures()
        now = utcnow()
        up = GaugeMetricFamily(f"{PREFIX}_database_up", "1 when the database answered the scrape.")
        try:
            found = queries.figures()
        except SQLAlchemyError:
            db.session.rollback()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, backlog, what in (
            ("outbox", found.outbox, "e-mails waiting to be sent (pending)"),
            ("webhook_deliveries", found.webhooks, "webhook deliveries waiting (pending)"),
        ):
            depth = GaugeMetricFamily(f"{PREFIX}_{name}_pending", f"The {what}.")
            depth.add_metric([], backlog.pending)
            yield depth
            age = GaugeMetricFamily(
                f"{PREFIX}_{name}_oldest_pending_age_seconds",
                f"Age of the oldest of the {what}; 0 when there are none.",
            )
            age.add_metric([], _seconds_since(backlog.oldest, now))
            yield age
        runs = GaugeMetricFamily(
            f"{PREFIX}_job_runs",
            "Job runs kept in the run record, by job and outcome (ok, error, running, "
            "idle; idle runs are pruned, so this can go down).",
            labels=("job", "outcome"),
        )
        for (job, outcome), count in sorted(found.job_runs.items()):
            runs.add_metric([job, outcome], count)
        yield runs
        last = GaugeMetricFamily(
            f"{PREFIX}_job_last_run_timestamp_seconds",
            "When each job's last run started (Unix time).",
            labels=("job",),
        )
        for job, started in sorted(found.last_runs.items()):
            last.add_metric([job], started.timestamp())
        yield last
        yield from lease_figures(found.lease, now)


def lease_figures(lease, now: datetime) -> Iterator[GaugeMetricFamily]:
    """Whether a scheduler holds the job lease, and for how long still. The holder
    (a host name) is not shown."""
    held = lease is not None and lease.holder is not None and lease.expires_at > now
    gauge = GaugeMetricFamily(
        f"{PREFIX}_scheduler_lease_held", "1 when a scheduler holds the job lease now."
    )
    gauge.add_metric([], 1 if held else 0)
    yield gauge
    if lease is not None:
        left = GaugeMetricFamily(
            f"{PREFIX}_scheduler_lease_expires_in_seconds",
            "Seconds until the job lease runs out (negative: it ran out that long ago).",
        )
        left.add_metric([], (lease.expires_at - now).total_seconds())
        yield left


POOL_FIGURES = (
    ("size", "size", "Connections the pool keeps (its size)."),
    ("checked_out", "checkedout", "Connections in use now."),
    ("overflow", "overflow", "Connections over the pool's size now (negative: room left)."),
    ("checked_in", "checkedin", "Idle connections in the pool."),
)


def pool_figures() -> Iterator[GaugeMetricFamily]:
    """This process's connection pool, where its type counts (QueuePool does; SQLite's
    pools mostly do not). Read from memory: no connection is taken."""
    pool = db.engine.pool
    for name, method, text in POOL_FIGURES:
        reader = getattr(pool, method, None)
        if not callable(reader):
            continue
        try:
            value = reader()
        except (NotImplementedError, AttributeError, TypeError):
            continue
        gauge = GaugeMetricFamily(f"{PREFIX}_db_pool_{name}", text)
        gauge.add_metric([], value)
        yield gauge


# --- the answer -----------------------------------------------------------------------


def exposition() -> bytes:
    """The metrics in Prometheus' text format, for this scrape."""
    registry = CollectorRegistry()
    if multiprocess():
        MultiProcessCollector(registry)  # every worker's histogram, added up
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
