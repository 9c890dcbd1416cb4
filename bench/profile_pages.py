"""Where a page's time goes: CPU per request in one process, and a profile.

Runs requests through Flask's test client (no HTTP, no gunicorn) against a bench
database, as the same demo users `load.py` uses, and reports the process's CPU
time per request (`time.process_time`: this process only, so the database server's
share is not in it — `load.py`'s "db" column is) and, with `--profile`, the
functions that take it (cProfile, sorted by own time and by cumulative time).

    .venv/bin/python bench/profile_pages.py                          # kundtjanst_bench
    .venv/bin/python bench/profile_pages.py --only inbox --profile 25
    .venv/bin/python bench/profile_pages.py --database kundtjanst_bench_100k --requests 200

`ask_post` creates a ticket per request: run it against a bench database only.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load import PASSWORD, QUESTIONS, QUEUE_SLUG, USERS, sample_references  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
OPTION = re.compile(r'<option[^>]*value="(\d+)"')


def login(app, email: str):
    client = app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    answer = client.post(
        "/logga-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
    )
    if answer.status_code != 302:
        raise SystemExit(f"could not log in as {email}: HTTP {answer.status_code}")
    return client


def requests_for(app, references: list[str]) -> dict[str, tuple]:
    """name → (client, method, paths, form maker, expected status)."""
    agent, member = login(app, USERS["agent"]), login(app, USERS["member"])
    citizen = app.test_client()
    page = citizen.get("/fraga").get_data(as_text=True)
    token, categories = CSRF.search(page).group(1), OPTION.findall(page)

    def question(n: int) -> dict:
        subject, text = QUESTIONS[n % len(QUESTIONS)]
        return {
            "csrf_token": token,
            "category": categories[n % len(categories)],
            "subject": subject,
            "question": text,
            "name": "Bänk Testsson",
            "email": f"bank{n % 97}@example.se",
            "phone": "",
            "anyway": "1",  # past the step that offers public answers
        }

    return {
        "inbox": (agent, "GET", ["/inkorg"], None, 200),
        "queue": (member, "GET", [f"/ko/{QUEUE_SLUG}"], None, 200),
        "ticket": (agent, "GET", [f"/arenden/{r}" for r in references], None, 200),
        "ask_post": (citizen, "POST", ["/fraga"], question, 302),
    }


def measure(spec: tuple, requests: int, warmup: int, profile: cProfile.Profile | None) -> float:
    client, method, paths, form, expect = spec
    cpu = 0.0
    for n in range(warmup + requests):
        path = paths[n % len(paths)]
        data = form(n) if form else None
        started = time.process_time()
        if profile is not None and n >= warmup:
            profile.enable()
        answer = client.open(path, method=method, data=data)
        if profile is not None:
            profile.disable()
        spent = time.process_time() - started
        if answer.status_code != expect:
            raise SystemExit(f"{method} {path}: HTTP {answer.status_code}, expected {expect}")
        if n >= warmup:
            cpu += spent
    return 1000 * cpu / requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default="kundtjanst_bench")
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL (default: postgres@127.0.0.1:5432/<database>)"
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", help="comma-separated: inbox,queue,ticket,ask_post")
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the top N functions"
    )
    args = parser.parse_args(argv)
    url = args.database_url or f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.database}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)

    from kundtjanst import create_app

    app = create_app({"QUESTION_LIMIT_PER_ADDRESS": "1000000 per hour"})
    references, total, _version = sample_references(url, 500)
    specs = requests_for(app, references)
    names = args.only.split(",") if args.only else list(specs)
    print(f"{total:,} tickets; {args.requests} requests each after {args.warmup} warm-up")
    print(f"load average at start: {Path('/proc/loadavg').read_text().split()[:3]}")
    for name in names:
        profile = cProfile.Profile() if args.profile else None
        ms = measure(specs[name], args.requests, args.warmup, profile)
        print(f"{name:<10} {ms:6.2f} ms CPU per request (this process)")
        if profile is not None:
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(args.profile)
                print(out.getvalue())
    print(f"load average at end: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
