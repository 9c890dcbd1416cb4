"""A soak test with faults: the whole system under a mixed load for minutes while a
gunicorn worker, a whole server and the scheduler holding the lease are killed with
SIGKILL and started again; afterwards nothing may be lost, duplicated or inconsistent.

On one fresh PostgreSQL database (dropped and created, migrated with
`flask db upgrade`, seeded with `flask demo seed`): two gunicorn servers of two
workers each, two `flask scheduler run`, Redis for the shared rate limits (under a key
prefix of the run's own, removed afterwards), an SMTP sink and a webhook receiver on
loopback. Citizens ask on /fraga and through the API (retrying with the same
submission id or Idempotency-Key when an answer is lost), agents answer and escalate,
the members of one svarsgrupp race to claim the same tickets, a manager reads the
dashboard and exports.

    .venv/bin/python bench/soak.py                          # 180 s, kundtjanst_soak
    .venv/bin/python bench/soak.py --duration 300 \\
        --database-url postgresql://postgres@127.0.0.1:5432/my_soak

Prints the faults, throughput and p95 per action before, during and after them, what
was counted, and every problem found; exits 1 if there was one. Not part of
`make test` (tests/test_soak.py runs a 30-second version of it there). The shared code
is the package tests/soak/.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kundtjanst.config import normalise_database_url  # noqa: E402
from tests.soak.run import Options, soak  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--duration", type=float, default=180, help="seconds of load (180)")
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/kundtjanst_soak",
        help="the database to drop, create and fill (default: kundtjanst_soak on loopback)",
    )
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/15", help="Redis for the rate limits"
    )
    parser.add_argument("--web-citizens", type=int, default=3, help="people asking on /fraga")
    parser.add_argument("--api-citizens", type=int, default=2, help="integrations posting")
    parser.add_argument("--agents", type=int, default=3, help="kundtjänst agents")
    parser.add_argument("--seed-tickets", type=int, default=60, help="demo tickets first")
    parser.add_argument("--logs", type=Path, help="where the processes' logs go (a temp dir)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the people")
    args = parser.parse_args(argv)
    url = normalise_database_url(args.database_url)
    if not url.startswith("postgresql"):
        parser.error("the soak needs PostgreSQL")
    result = soak(
        Options(
            database_url=url,
            duration=args.duration,
            redis_url=args.redis_url,
            web_citizens=args.web_citizens,
            api_citizens=args.api_citizens,
            agents=args.agents,
            seed_tickets=args.seed_tickets,
            logs=args.logs,
            seed=args.seed,
            say=lambda line: print(line, flush=True),
        )
    )
    print()
    print(result.text())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
