"""Load test on loopback: p50/p95/max latency and requests per second per endpoint.

Starts gunicorn (2 workers by default) against a bench database, logs in
through the real login form as a manager, a kundtjänst agent and a svarsgrupp
member, then runs each endpoint: a warm-up, then N requests from C client
threads, each thread with its own HTTP connection (the standard library's
http.client; it reconnects when gunicorn's sync workers close a connection).

The dashboard is measured twice: as it runs (the per-process cache of daily
rows warm after the first request) and with that cache switched off
(KUNDTJANST_STATS_CACHE=0, on a second gunicorn), so every request reads the
daily rows again.

    .venv/bin/python bench/load.py                                  # kundtjanst_bench
    .venv/bin/python bench/load.py --database kundtjanst_bench_100k --label 100k
    .venv/bin/python bench/load.py --only inbox,queue --requests 100

Prints a table and writes bench/results/<label>.json. POST /fraga creates
tickets: run it against a bench database only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.soak.client import keep_cookies  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "demo-1234!"
USERS = {
    "manager": "maria.holmberg@sjostad.se",
    "agent": "sara.nilsson@sjostad.se",
    "member": "karin.strom@sjostad.se",  # svarsgrupp Bygglov och bostadsanpassning
}
QUEUE_SLUG = "bygg"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
OPTION = re.compile(r'<option[^>]*value="(\d+)"')


# --- HTTP ---------------------------------------------------------------------------


class Client:
    """One connection and a cookie jar (a signed session cookie is all the app keeps)."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        headers = {"Accept-Language": "sv"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):
            # A keep-alive connection the server had closed: once more on a new one.
            self.conn.close()
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        keep_cookies(self.cookies, response.headers.get_all("Set-Cookie") or [])
        return response.status, data

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, bytes]:
        return self.request("POST", path, form)

    def csrf_token(self, path: str) -> tuple[str, bytes]:
        status, page = self.get(path)
        match = CSRF.search(page.decode())
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no CSRF token")
        return match.group(1), page


def login(port: int, email: str) -> dict[str, str]:
    """Log in through the form; return the session cookies."""
    client = Client(port)
    token, _ = client.csrf_token("/logga-in")
    status, _ = client.post(
        "/logga-in", {"csrf_token": token, "email": email, "password": PASSWORD}
    )
    if status != 302:
        raise RuntimeError(f"logging in as {email} failed: HTTP {status}")
    return client.cookies


# --- gunicorn -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn wsgi:app on a free loopback port, for the duration of a ``with``."""

    def __init__(self, database_url: str, workers: int, env: dict[str, str], log: Path):
        self.port = free_port()
        self.log_path = log
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.command = [
            str(gunicorn),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "wsgi:app",
        ]
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-" + "x" * 40),
            # Every simulated citizen posts from 127.0.0.1: the public form's per-address
            # limit (a protection against automation) would stop the load after 20.
            "KUNDTJANST_QUESTION_LIMIT_PER_ADDRESS": "1000000 per hour",
            **env,
        }

    def __enter__(self) -> Server:
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                if Client(self.port).get("/logga-in")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


# --- CPU time, from /proc (Linux) -------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pids: set[int]) -> float:
    """User and system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def children(pid: int) -> set[int]:
    """The gunicorn workers of a master process."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


class CpuMeter:
    """CPU time per request of the app (gunicorn workers), the database (the server
    processes of the bench database's connections) and this client: what the two
    cores are shared between, whatever else the machine is doing."""

    def __init__(self, server: Server, url: str):
        self.server, self.url = server, url

    def _database_pids(self) -> set[int]:
        with psycopg.connect(libpq(self.url)) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        return {r[0] for r in rows}

    def start(self) -> None:
        self.app = children(self.server.process.pid)
        self.db = self._database_pids()
        self.before = (cpu_seconds(self.app), cpu_seconds(self.db), time.process_time())

    def per_request(self, requests: int) -> dict[str, float]:
        after = (cpu_seconds(self.app), cpu_seconds(self.db), time.process_time())
        app, db, client = (1000 * (a - b) / requests for a, b in zip(after, self.before))
        return {
            "app_cpu_ms": round(app, 1),
            "db_cpu_ms": round(db, 1),
            "client_cpu_ms": round(client, 1),
        }


# --- the endpoints ------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    role: str | None  # None: anonymous
    method: str
    path: str  # as shown in the report
    expect: int = 200
    uncached: bool = False  # run on the server with the statistics cache off
    paths: list[str] = field(default_factory=list)  # rotated through, when given


def endpoints(references: list[str]) -> list[Endpoint]:
    today = date.today()
    year = f"/statistik.json?from={today - timedelta(days=365)}&to={today}"
    dashboard = "/statistik?period=last_12_months"
    return [
        Endpoint("dashboard_12m", "manager", "GET", dashboard),
        Endpoint("dashboard_12m_uncached", "manager", "GET", dashboard, uncached=True),
        Endpoint("stats_json_year", "manager", "GET", year),
        Endpoint("stats_json_year_uncached", "manager", "GET", year, uncached=True),
        Endpoint("inbox", "agent", "GET", "/inkorg"),
        Endpoint("queue", "member", "GET", f"/ko/{QUEUE_SLUG}"),
        Endpoint(
            "ticket",
            "agent",
            "GET",
            "/arenden/<ref>",
            paths=[f"/arenden/{r}" for r in references],
        ),
        Endpoint("ask_post", None, "POST", "/fraga", expect=302),
    ]


QUESTIONS = [
    ("Bygglov för altan", "Behöver jag bygglov för en altan på 25 kvadratmeter nära tomtgränsen?"),
    ("Tömning av sopkärl", "Mitt sopkärl har inte tömts på två veckor. Vad ska jag göra?"),
    ("Plats i förskola", "Hur lång är kön till förskolan i Norrby och hur ansöker jag?"),
    ("Gatlykta trasig", "Gatlyktan utanför Storgatan 12 har varit släckt i en vecka."),
]


class Worker(threading.Thread):
    """A client thread: takes request numbers from a shared counter until N are done."""

    def __init__(self, run: Run, index: int):
        super().__init__(daemon=True)
        self.run_ = run
        self.index = index
        self.client = Client(run.port, run.cookies)
        self.samples: list[float] = []
        self.errors: list[str] = []
        if run.endpoint.method == "POST":
            self.token, page = self.client.csrf_token(run.endpoint.path)
            self.categories = OPTION.findall(page.decode())

    def one(self, number: int) -> None:
        endpoint = self.run_.endpoint
        if endpoint.method == "POST":
            subject, question = QUESTIONS[number % len(QUESTIONS)]
            form = {
                "csrf_token": self.token,
                "category": self.categories[number % len(self.categories)],
                "subject": subject,
                "question": question,
                "name": "Bänk Testsson",
                "email": f"bank{number % 97}@example.se",
                "phone": "",
                "anyway": "1",  # past the step that offers public answers
            }
        else:
            form = None
        path = endpoint.paths[number % len(endpoint.paths)] if endpoint.paths else endpoint.path
        started = time.perf_counter()
        try:
            status, _ = self.client.request(endpoint.method, path, form)
        except (OSError, http.client.HTTPException) as error:
            status = f"{type(error).__name__}"
            self.client.conn.close()
        elapsed = time.perf_counter() - started
        if status != endpoint.expect:
            self.errors.append(f"HTTP {status}" if isinstance(status, int) else status)
        if number >= self.run_.warmup:
            self.samples.append(elapsed)

    def run(self) -> None:
        try:
            while (number := self.run_.take()) is not None:
                if number == self.run_.warmup:
                    self.run_.measuring.set()
                self.one(number)
        finally:
            self.run_.measuring.set()


class Run:
    """N measured requests (after a warm-up) to one endpoint from C threads."""

    def __init__(self, endpoint: Endpoint, port: int, cookies, requests, clients, warmup, meter):
        self.endpoint, self.port, self.cookies, self.meter = endpoint, port, cookies, meter
        self.total = warmup + requests
        self.warmup = warmup
        self.clients = clients
        self.next = 0
        self.lock = threading.Lock()
        self.measuring = threading.Event()

    def take(self) -> int | None:
        with self.lock:
            if self.next >= self.total:
                return None
            self.next += 1
            return self.next - 1

    def go(self) -> dict:
        workers = [Worker(self, i) for i in range(self.clients)]
        for w in workers:
            w.start()
        self.measuring.wait()
        started = time.perf_counter()
        self.meter.start()
        for w in workers:
            w.join()
        wall = time.perf_counter() - started
        samples = sorted(s for w in workers for s in w.samples)
        errors = [e for w in workers for e in w.errors]
        return {
            **summarise(self.endpoint, samples, wall, errors),
            **self.meter.per_request(len(samples)),
        }


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile of sorted samples."""
    return samples[max(0, math.ceil(p * len(samples)) - 1)]


def summarise(endpoint: Endpoint, samples: list[float], wall: float, errors: list[str]) -> dict:
    ms = [s * 1000 for s in samples]
    return {
        "endpoint": endpoint.name,
        "request": f"{endpoint.method} {endpoint.path}",
        "role": endpoint.role or "anonymous",
        "requests": len(ms),
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "max_ms": round(ms[-1], 1),
        "mean_ms": round(sum(ms) / len(ms), 1),
        "rps": round(len(ms) / wall, 1),
        "errors": len(errors),
        "error_sample": sorted(set(errors))[:3],
    }


# --- targets and the report ---------------------------------------------------------

TARGETS_P95_MS = {
    "dashboard_12m": 150,
    "inbox": 50,
    "queue": 50,
    "ticket": 50,
}


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def sample_references(url: str, count: int) -> tuple[list[str], int, str]:
    """References of non-confidential tickets (the agent may read them), spread over
    the whole table, in a fixed order; and the number of tickets."""
    with psycopg.connect(libpq(url)) as conn:
        total = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        rows = conn.execute(
            "SELECT reference FROM tickets WHERE NOT confidential ORDER BY md5(reference) LIMIT %s",
            (count,),
        ).fetchall()
        version = conn.execute("SHOW server_version").fetchone()[0]
    return [r[0] for r in rows], total, version


def table(rows: list[dict]) -> str:
    header = (
        "endpoint",
        "p50 ms",
        "p95 ms",
        "max ms",
        "req/s",
        "n",
        "err",
        "CPU ms/req app+db+client",
        "target p95",
    )
    lines = [header]
    for r in rows:
        target = TARGETS_P95_MS.get(r["endpoint"])
        verdict = (
            "" if target is None else f"< {target} " + ("ok" if r["p95_ms"] < target else "MISSED")
        )
        lines.append(
            (
                r["endpoint"],
                f"{r['p50_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                f"{r['max_ms']:.1f}",
                f"{r['rps']:.1f}",
                str(r["requests"]),
                str(r["errors"]),
                f"{r['app_cpu_ms']:.1f} + {r['db_cpu_ms']:.1f} + {r['client_cpu_ms']:.1f}",
                verdict,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def compare(rows: list[dict], baseline_path: Path) -> str:
    base = {r["endpoint"]: r for r in json.loads(baseline_path.read_text())["results"]}
    base_label = json.loads(baseline_path.read_text())["label"]
    out = [f"Ratio to {base_label} ({baseline_path.name}): p50 and p95"]
    for r in rows:
        b = base.get(r["endpoint"])
        if b:
            out.append(
                f"  {r['endpoint']:<26} p50 x{r['p50_ms'] / b['p50_ms']:.2f}"
                f"   p95 x{r['p95_ms'] / b['p95_ms']:.2f}"
            )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="kundtjanst_bench", help="database name")
    parser.add_argument(
        "--database-url",
        help="full SQLAlchemy URL (default: postgresql+psycopg://postgres@127.0.0.1:5432/<database>)",
    )
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests first")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--only", help="comma-separated endpoint names")
    parser.add_argument("--label", help="name of the result file (default: the database)")
    parser.add_argument("--baseline", type=Path, help="a result file to compare with")
    args = parser.parse_args(argv)

    url = args.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    label = args.label or make_label(url)
    load_at_start = os.getloadavg()
    references, tickets, pg_version = sample_references(url, 500)
    chosen = endpoints(references)
    if args.only:
        names = set(args.only.split(","))
        unknown = names - {e.name for e in chosen}
        if unknown:
            parser.error(f"unknown endpoints: {', '.join(sorted(unknown))}")
        chosen = [e for e in chosen if e.name in names]
    print(
        f"{tickets:,} tickets in {label}; gunicorn {args.workers} workers, {args.clients} clients,"
        f" {args.warmup} warm-up + {args.requests} requests per endpoint"
    )

    RESULTS.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    for uncached in (False, True):
        todo = [e for e in chosen if e.uncached == uncached]
        if not todo:
            continue
        env = {"KUNDTJANST_STATS_CACHE": "0"} if uncached else {}
        log = Path(tempfile.gettempdir()) / f"gunicorn-{label}{'-uncached' if uncached else ''}.log"
        with Server(url, args.workers, env, log) as server:
            cookies = {role: login(server.port, email) for role, email in USERS.items()}
            for endpoint in todo:
                jar = cookies[endpoint.role] if endpoint.role else {}
                meter = CpuMeter(server, url)
                run = Run(
                    endpoint, server.port, jar, args.requests, args.clients, args.warmup, meter
                )
                row = run.go()
                rows.append(row)
                print(
                    f"  {row['endpoint']:<26} p50 {row['p50_ms']:7.1f} ms"
                    f"  p95 {row['p95_ms']:7.1f} ms  {row['rps']:6.1f} req/s"
                    f"  errors {row['errors']}",
                    flush=True,
                )

    print()
    print(table(rows))
    report = {
        "label": label,
        "database": make_label(url),
        "tickets": tickets,
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgresql": pg_version,
            # Other work on the machine skews every figure: the 1-minute load
            # average should stay near the two gunicorn workers' own.
            "load_average_at_start": load_at_start,
            "load_average_at_end": os.getloadavg(),
        },
        "gunicorn_workers": args.workers,
        "clients": args.clients,
        "warmup": args.warmup,
        "requests": args.requests,
        "targets_p95_ms": TARGETS_P95_MS,
        "results": rows,
    }
    out = RESULTS / f"{label}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote {out.relative_to(ROOT)}")
    if args.baseline:
        print(compare(rows, args.baseline))
    failed = sum(r["errors"] for r in rows)
    return 1 if failed else 0


def make_label(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?")[0]


if __name__ == "__main__":
    sys.exit(main())
