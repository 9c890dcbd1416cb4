"""The REST API under load on loopback: list and create p95 at a million tickets.

Starts gunicorn like load.py (2 workers, 4 client threads, each with its own
connection), makes an integration token with `flask api token create`, then
measures: the first page of /api/v1/tickets, a page far into the table (a
cursor), changes since yesterday (updated_since), a filtered list, one ticket,
and POST /api/v1/tickets with a fresh Idempotency-Key each (it creates tickets:
run it against a bench database only).

    .venv/bin/python bench/api_load.py                         # kundtjanst_bench
    .venv/bin/python bench/api_load.py --database kundtjanst_bench_100k --label api-100k

Prints a table and writes bench/results/<label>.json (default label api-<database>).
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load

ROOT = load.ROOT
TARGETS_P95_MS = {"api_list": 50, "api_create": 50}


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    expect: int = 200
    role: str = "integration"
    paths: list[str] = field(default_factory=list)


def cursor_after(ticket_id: int) -> str:
    raw = json.dumps({"after": ticket_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def endpoints(url: str) -> list[Endpoint]:
    with psycopg.connect(load.libpq(url)) as conn:
        middle = conn.execute(
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY id) FROM tickets"
        ).fetchone()[0]
    references, _total, _version = load.sample_references(url, 500)
    since = (datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        Endpoint("api_list", "GET", "/api/v1/tickets?limit=50"),
        Endpoint("api_list_deep", "GET", f"/api/v1/tickets?limit=50&cursor={cursor_after(middle)}"),
        Endpoint("api_list_since", "GET", f"/api/v1/tickets?limit=50&updated_since={since}"),
        Endpoint("api_list_filtered", "GET", "/api/v1/tickets?limit=50&status=open&group=bygg"),
        Endpoint(
            "api_list_total", "GET", f"/api/v1/tickets?limit=50&total=true&updated_since={since}"
        ),
        Endpoint(
            "api_ticket",
            "GET",
            "/api/v1/tickets/<ref>",
            paths=[f"/api/v1/tickets/{r}" for r in references],
        ),
        Endpoint("api_create", "POST", "/api/v1/tickets", expect=201),
    ]


def make_token(url: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi"}
    flask = Path(sys.executable).parent / "flask"
    made = subprocess.run(
        [
            str(flask),
            "api",
            "token",
            "create",
            "--name",
            f"bench-{uuid.uuid4().hex[:6]}",
            "--scope",
            "tickets:read",
            "--scope",
            "tickets:write",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return made.stdout.strip().splitlines()[0]


class Run:
    def __init__(self, endpoint, port, token, requests, clients, warmup, meter):
        self.endpoint, self.port, self.token, self.meter = endpoint, port, token, meter
        self.total, self.warmup, self.clients = warmup + requests, warmup, clients
        self.next = 0
        self.lock = threading.Lock()
        self.measuring = threading.Event()

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next - 1

    def worker(self, samples: list, errors: list) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        e = self.endpoint
        try:
            while (number := self.take()) is not None:
                if number == self.warmup:
                    self.measuring.set()
                headers = {"Authorization": f"Bearer {self.token}", "Accept-Language": "sv"}
                body = None
                if e.method == "POST":
                    headers["Content-Type"] = "application/json"
                    headers["Idempotency-Key"] = uuid.uuid4().hex
                    body = json.dumps(
                        {
                            "channel": "web",
                            "subject": "Bygglov för altan",
                            "text": "Behöver jag bygglov för en altan på 25 kvadratmeter?",
                            "citizen": {
                                "name": "Bänk Testsson",
                                "email": f"bank{number % 97}@example.se",
                            },
                        }
                    )
                path = e.paths[number % len(e.paths)] if e.paths else e.path
                started = time.perf_counter()
                try:
                    conn.request(e.method, path, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as error:
                    status = type(error).__name__
                    conn.close()
                elapsed = time.perf_counter() - started
                if status != e.expect:
                    errors.append(f"HTTP {status}")
                if number >= self.warmup:
                    samples.append(elapsed)
        finally:
            self.measuring.set()

    def go(self) -> dict:
        samples: list[float] = []
        errors: list[str] = []
        threads = [
            threading.Thread(target=self.worker, args=(samples, errors))
            for _ in range(self.clients)
        ]
        for t in threads:
            t.start()
        self.measuring.wait()
        started = time.perf_counter()
        self.meter.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        return {
            **load.summarise(self.endpoint, sorted(samples), wall, errors),
            **self.meter.per_request(len(samples)),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="kundtjanst_bench")
    parser.add_argument("--database-url")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="comma-separated endpoint names")
    parser.add_argument("--label")
    args = parser.parse_args(argv)
    url = args.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    label = args.label or f"api-{load.make_label(url)}"
    load_at_start = os.getloadavg()
    chosen = endpoints(url)
    if args.only:
        chosen = [e for e in chosen if e.name in set(args.only.split(","))]
    _refs, tickets, pg_version = load.sample_references(url, 1)
    token = make_token(url)
    print(f"{tickets:,} tickets; gunicorn {args.workers} workers, {args.clients} clients")
    load.TARGETS_P95_MS.update(TARGETS_P95_MS)
    rows = []
    log = Path(tempfile.gettempdir()) / f"gunicorn-{label}.log"
    # One token makes every request: its rate limit must not be what is measured.
    env = {"KUNDTJANST_API_RATE_LIMIT": "1000000/minute"}
    with load.Server(url, args.workers, env, log) as server:
        for endpoint in chosen:
            meter = load.CpuMeter(server, url)
            row = Run(
                endpoint, server.port, token, args.requests, args.clients, args.warmup, meter
            ).go()
            rows.append(row)
            print(
                f"  {row['endpoint']:<20} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms"
                f"  {row['rps']:6.1f} req/s  errors {row['errors']} {row['error_sample']}",
                flush=True,
            )
    print()
    print(load.table(rows))
    report = {
        "label": label,
        "tickets": tickets,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "postgresql": pg_version,
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
        "gunicorn_workers": args.workers,
        "clients": args.clients,
        "requests": args.requests,
        "targets_p95_ms": TARGETS_P95_MS,
        "results": rows,
    }
    out = load.RESULTS / f"{label}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote {out.relative_to(ROOT)}")
    return 1 if sum(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
