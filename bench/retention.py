"""Retention (gallring) over a large database: how long each batch holds its rows.

Runs the nightly job's work (`retention.services.anonymise_expired` in batches, a
commit after each, as `retention.jobs` does) against a bench database, and meanwhile
a probe on its own connection locks random tickets of those the run will anonymise,
one at a time (``UPDATE … SET version = version`` in a transaction rolled back), with
``lock_timeout`` 1 s. It reports each batch's time from its first statement to its
commit (the longest any of its rows stays locked), the probe's waits, and lock
timeouts (none expected).

    .venv/bin/python bench/retention.py --database kundtjanst_bench_10m
    .venv/bin/python bench/retention.py --database kundtjanst_bench --now 2027-06-01

``--now`` moves the run's "now" forward so that more tickets have expired. It
anonymises the bench database: run it after the page benchmarks.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] if ordered else 0.0


class Stopped(Exception):
    """--max-seconds has passed."""


LOCK_ONE = "UPDATE tickets SET version = version WHERE id = %s"


class Probe(threading.Thread):
    """Locks random tickets from ``ids`` until stopped; records each wait."""

    def __init__(self, url: str, ids: list[int]):
        super().__init__(daemon=True)
        self.url, self.ids = url, ids
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.timeouts = 0

    def run(self) -> None:
        rng = random.Random(1)
        with psycopg.connect(self.url) as conn:
            while not self.stop.is_set():
                ticket = rng.choice(self.ids)
                started = time.perf_counter()
                try:
                    with conn.transaction(force_rollback=True):
                        conn.execute("SET LOCAL lock_timeout = '1s'")
                        conn.execute(LOCK_ONE, (ticket,))
                except psycopg.errors.LockNotAvailable:
                    self.timeouts += 1
                self.waits.append(time.perf_counter() - started)
                time.sleep(0.005)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="kundtjanst_bench")
    parser.add_argument("--now", help="the run's date, YYYY-MM-DD (default: now)")
    parser.add_argument("--batch", type=int, default=None, help="tickets a transaction")
    parser.add_argument(
        "--max-seconds", type=float, default=None, help="stop after the batch that passes this"
    )
    args = parser.parse_args(argv)
    libpq = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
    os.environ["DATABASE_URL"] = libpq.replace("postgresql://", "postgresql+psycopg://", 1)
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)

    from kundtjanst import create_app
    from kundtjanst.extensions import db
    from kundtjanst.retention import services

    now = datetime.fromisoformat(args.now).replace(tzinfo=UTC) if args.now else datetime.now(UTC)
    batch = args.batch or services.BATCH
    app = create_app()
    with app.app_context():
        expected = services.anonymise_expired(now, dry_run=True)
        db.session.rollback()
        print(f"{expected.tickets:,} tickets to anonymise as of {now:%Y-%m-%d}, {batch} a batch")
        with psycopg.connect(libpq) as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM tickets WHERE anonymised_at IS NULL"
                    " AND status = 'resolved' AND resolved_at < %s - interval '12 months'"
                    " ORDER BY random() LIMIT 20000",
                    (now,),
                )
            ]
        probe = Probe(libpq, ids or [1])
        batches: list[float] = []
        mark = [time.perf_counter()]

        def commit() -> None:
            db.session.commit()
            finished = time.perf_counter()
            batches.append(finished - mark[0])
            mark[0] = finished
            if args.max_seconds and finished - started > args.max_seconds:
                raise Stopped

        load_start = Path("/proc/loadavg").read_text().split()[:3]
        probe.start()
        started = time.perf_counter()
        mark[0] = started
        try:
            result = services.anonymise_expired(now, batch=batch, after_batch=commit)
            db.session.commit()
            done = result.tickets
        except Stopped:
            db.session.rollback()
            done = None
        wall = time.perf_counter() - started
        probe.stop.set()
        probe.join()
    report = {
        "database": args.database,
        "now": now.isoformat(),
        "batch": batch,
        "tickets_expired": expected.tickets,
        "tickets": done if done is not None else f"stopped after {len(batches) * batch} at most",
        "batches": len(batches),
        "seconds": round(wall, 1),
        "tickets_per_second": round(len(batches) * batch / wall, 1) if wall else None,
        "batch_ms": {
            "p50": round(1000 * percentile(batches, 0.5), 1),
            "p95": round(1000 * percentile(batches, 0.95), 1),
            "max": round(1000 * max(batches, default=0), 1),
        },
        "probe": {
            "locks": len(probe.waits),
            "wait_ms_p95": round(1000 * percentile(probe.waits, 0.95), 1),
            "wait_ms_max": round(1000 * max(probe.waits, default=0), 1),
            "lock_timeouts": probe.timeouts,
        },
        "load_average_at_start": load_start,
        "load_average_at_end": Path("/proc/loadavg").read_text().split()[:3],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"retention-{args.database}.json").write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
