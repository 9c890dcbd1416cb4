"""Fill a PostgreSQL bench database with realistic tickets.

Drops and recreates the database, migrates it (`flask db upgrade`), seeds it
with the demo generator (`flask demo seed`: Sjöstads kommun, tickets over the
last --days days with their timelines, then the daily statistics rows), and
runs VACUUM ANALYZE, timing each step.

    .venv/bin/python bench/generate.py                                   # 1,000,000 tickets
    .venv/bin/python bench/generate.py --tickets 100000 --database kundtjanst_bench_100k

Writes bench/results/generate-<database>.json with the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def admin_connection(url: str) -> psycopg.Connection:
    """A connection to the server's ``postgres`` database, to drop and create others."""
    parsed = make_url(url)
    return psycopg.connect(
        dbname="postgres",
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        autocommit=True,
    )


def recreate(url: str) -> None:
    name = make_url(url).database
    with admin_connection(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flask(url: str, *args: str) -> None:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": url,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 40),
    }
    command = [str(Path(sys.executable).parent / "flask"), *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730, help="how many days back (730: two years)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", default="kundtjanst_bench", help="database name")
    parser.add_argument(
        "--database-url",
        help="full SQLAlchemy URL (default: postgresql+psycopg://postgres@127.0.0.1:5432/<database>)",
    )
    args = parser.parse_args(argv)
    url = args.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    name = make_url(url).database

    timings: dict[str, float] = {}
    load_at_start = os.getloadavg()

    def step(label: str, action) -> None:
        print(f"== {label}", flush=True)
        started = time.perf_counter()
        action()
        timings[label] = round(time.perf_counter() - started, 1)
        print(f"   {timings[label]:.1f} s", flush=True)

    step("recreate database", lambda: recreate(url))
    step("migrate", lambda: flask(url, "db", "upgrade"))
    seed = ["demo", "seed", "--tickets", str(args.tickets), "--days", str(args.days)]
    step("seed tickets and daily statistics", lambda: flask(url, *seed, "--seed", str(args.seed)))

    def vacuum() -> None:
        with psycopg.connect(libpq(url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")

    step("vacuum analyze", vacuum)

    with psycopg.connect(libpq(url)) as conn:
        tickets, events, size = conn.execute(
            "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM events),"
            " pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()
    total = round(sum(timings.values()), 1)
    print(f"\n{tickets:,} tickets, {events:,} events, {size} in {name}; {total:.0f} s in all")

    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"generate-{name}.json"
    report = {
        "database": name,
        "tickets": tickets,
        "events": events,
        "size": size,
        "days": args.days,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": timings,
        "total_seconds": total,
    }
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
