"""/metrics under gunicorn, for real: with PROMETHEUS_MULTIPROC_DIR set, the request
figures of every worker are added up whichever worker answers the scrape, and the
directory's files from an earlier run are removed at start (gunicorn.conf.py)."""

from __future__ import annotations

import os
import signal
import subprocess
from urllib.request import urlopen

from prometheus_client.parser import text_string_to_metric_families

from .conftest import TEST_SECRET
from .test_logmask import GUNICORN, ROOT, free_port, wait_for

REQUESTS = 30


def test_several_workers_add_up(app, database_url, tmp_path):
    figures = tmp_path / "prometheus"
    figures.mkdir()
    stale = figures / "histogram_1.db"
    stale.write_bytes(b"left from an earlier run")
    port = free_port()
    log = tmp_path / "error.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_BIND": f"127.0.0.1:{port}",
        "KUNDTJANST_WORKERS": "3",
        "PROMETHEUS_MULTIPROC_DIR": str(figures),
    }
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--error-logfile", str(log), "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_for(port, process, log)
        assert not stale.exists()
        base = f"http://127.0.0.1:{port}"
        for _ in range(REQUESTS):
            with urlopen(f"{base}/healthz", timeout=30) as answer:
                assert answer.status == 200
        with urlopen(f"{base}/metrics", timeout=30) as answer:
            text = answer.read().decode()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    labels = (("endpoint", "ops.healthz"), ("method", "GET"), ("status", "2xx"))
    assert found[("kundtjanst_request_duration_seconds_count", labels)] == REQUESTS
    assert found[("kundtjanst_database_up", ())] == 1
    assert len(list(figures.glob("histogram_*.db"))) >= 1  # one file per worker that served
