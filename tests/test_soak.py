"""The soak test with faults (tests/soak/, bench/soak.py) for half a minute, in the
PostgreSQL run: two gunicorn servers, two schedulers, Redis, an SMTP sink and a
webhook receiver under a mixed load while a worker, a whole server and the scheduler
holding the lease are killed with SIGKILL and started again. It fails on any ticket
lost or made twice, any timeline its ticket disagrees with, a claim race with two
winners, a job trigger run twice or left behind by the kill, a message or webhook
received twice or never, a 500, or a request without an answer no kill explains."""

from __future__ import annotations

import pytest
from sqlalchemy import make_url

from .soak.run import Options, soak
from .test_login_throttling import redis_url  # noqa: F401  (fixture: Redis, required under CI)

DURATION = 30  # seconds of load; setting up and checking take about as long again


@pytest.mark.postgres
def test_killed_processes_lose_duplicate_and_confuse_nothing(database_url, redis_url, tmp_path):  # noqa: F811
    url = make_url(database_url)
    own = url.set(database=f"{url.database}_soak").render_as_string(hide_password=False)
    result = soak(
        Options(
            database_url=own,
            duration=DURATION,
            redis_url=redis_url,
            drain_seconds=30,
            logs=tmp_path,
            say=print,
        )
    )
    report = result.text()
    print(report)
    assert [f.what for f in result.faults] == ["worker", "server", "scheduler"], report
    assert all(f.recovered is not None for f in result.faults), report
    assert result.problems == [], report
