"""The citizen's status token stays out of the logs (issue 11, finding 7): gunicorn run
for real with gunicorn.conf.py and an access log file, werkzeug's development server
in a thread with its log captured, and the masking function itself."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import Request, urlopen

import pytest
from werkzeug.serving import make_server

from kundtjanst.logmask import mask_status_tokens

from .conftest import TEST_SECRET
from .factories import new_ticket

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
TOKEN = "AbCd" + "x" * 39  # the shape of a real one: 43 URL-safe characters


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            f'"GET /arende/{TOKEN} HTTP/1.1" 200',
            '"GET /arende/[token] HTTP/1.1" 200',
        ),
        (
            f"https://kundtjanst.kommun.se/arende/{TOKEN}?x=1#svar",
            "https://kundtjanst.kommun.se/arende/[token]?x=1#svar",
        ),
        (f"/logga-in?next=%2Farende%2F{TOKEN}&a=b", "/logga-in?next=%2Farende%2F[token]&a=b"),
        (f"/arende/{TOKEN}%20x/", "/arende/[token]/"),
        # The staff's ticket pages name a reference, which is no secret.
        ("/arenden/KT-2026-000001", "/arenden/KT-2026-000001"),
        ("/arende/", "/arende/"),
    ],
)
def test_the_mask(line, masked):
    assert mask_status_tokens(line) == masked


@pytest.fixture
def token(app, org) -> str:
    with app.app_context():
        _, token = new_ticket()
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, **headers: str) -> int:
    with urlopen(Request(url, headers=headers), timeout=30) as response:
        return response.status


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not listen within 60 s:\n{log.read_text()}")


def test_gunicorn_with_its_config_masks_the_token_in_the_access_log(database_url, token, tmp_path):
    port = free_port()
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_BIND": f"127.0.0.1:{port}",  # gunicorn.conf.py reads these two
        "KUNDTJANST_WORKERS": "1",
    }
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--access-logfile", str(access_log)]
    command += ["--error-logfile", str(error_log), "wsgi:app"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_for(port, process, error_log)
        base = f"http://127.0.0.1:{port}"
        assert get(f"{base}/arende/{token}", Referer=f"{base}/arende/{token}") == 200
        assert get(f"{base}/logga-in?next=%2Farende%2F{token}") == 200
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    log = access_log.read_text()
    assert token not in log and token not in error_log.read_text()
    assert '"GET /arende/[token] HTTP/1.1" 200' in log
    assert f'"{base}/arende/[token]"' in log  # the referer
    assert "next=%2Farende%2F[token]" in log


def test_the_development_server_masks_the_token(app, token, caplog):
    """werkzeug's request log (``flask run``), with the filter the app factory installs."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            assert get(f"http://127.0.0.1:{server.server_port}/arende/{token}") == 200
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any('"GET /arende/[token] HTTP/1.1" 200' in line for line in lines), lines
    assert token not in caplog.text
