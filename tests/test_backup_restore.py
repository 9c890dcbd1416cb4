"""The backup and restore recipe, for real (scripts/backup.sh, scripts/restore.sh): a
PostgreSQL database with a ticket, its timeline, an attached file and its users, and an
instance folder, are backed up; restored into a new database and a new instance
folder; and served from there by gunicorn: the user logs in, the ticket page shows the
same timeline, the file comes back byte for byte, the citizen's link still works, and
/readyz is ready once a scheduler runs on the copy (the backup's lease is not taken
for one)."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, make_url, text

from kundtjanst.attachments import services as attachments
from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.jobs import lease
from kundtjanst.org.models import Group
from kundtjanst.tickets import services

from .conftest import login
from .factories import PASSWORD, new_ticket
from .test_logmask import GUNICORN, ROOT, free_port, wait_for

TOOLS = ("bash", "pg_dump", "pg_restore", "psql", "createdb", "dropdb", "tar", "sha256sum")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
REPLY = "Bygglovet kräver en situationsplan; skicka den som bilaga."
CONFIG = 'MUNICIPALITY = "Backupby kommun"\nPAGE_SIZE = 5\n'
OLD_HOLDER = "gamla-servern:4242:abcdef"  # the old installation's scheduler
TIMELINE = re.compile(r'<ol class="timeline">.*?</ol>', re.S)


@pytest.fixture(scope="module")
def tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        message = (
            f"the backup recipe needs {', '.join(missing)} (apt-get install postgresql-client)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI requires it", pytrace=False)
        pytest.skip(message)


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without the application's settings, plus ``settings``."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KUNDTJANST_")
        and k not in {"DATABASE_URL", "SECRET_KEY", "PROMETHEUS_MULTIPROC_DIR", "FLASK_APP"}
    }
    return {**kept, "PYTHON": sys.executable, **settings}


def script(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / name), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def new_database(database_url):
    """A database name of our own for the restore; dropped afterwards, even in use."""
    url = make_url(database_url)
    target = url.set(database=f"{url.database}_restored_{secrets.token_hex(3)}")
    yield target.render_as_string(hide_password=False)
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def source(app, org, tmp_path):
    """The installation to back up: an instance folder (config.py, a secret key, the
    attachments) and, in the test database, a ticket answered by the Bygglov member with
    a file attached, and the lease of the old installation's scheduler."""
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "config.py").write_text(CONFIG)
    (folder / "secret_key").write_text(secrets.token_hex(32))
    before = app.config["ATTACHMENT_DIR"]
    app.config["ATTACHMENT_DIR"] = str(folder / "attachments")
    with app.app_context():
        member = db.session.get(User, org.users.member)
        ticket, token = new_ticket(subject="Bygglov för friggebod")
        services.escalate(
            ticket, db.session.get(User, org.users.agent), db.session.get(Group, org.groups.bygg)
        )
        services.claim(ticket, member)
        services.reply(ticket, member, REPLY)
        assert attachments.store_incoming(ticket, [("Ritning.pdf", "application/pdf", PDF)]) == []
        db.session.commit()
        reference = ticket.reference
        lease.acquire(OLD_HOLDER, 3600)
    client = app.test_client()
    login(client, org.users.member)
    page = client.get(f"/arenden/{reference}").get_data(as_text=True)
    yield {
        "folder": folder,
        "reference": reference,
        "token": token,
        "email": org.emails.member,
        "timeline": TIMELINE.search(page).group(0),
        "download": re.search(rf'href="(/arenden/{reference}/bilagor/\d+)"', page).group(1),
    }
    app.config["ATTACHMENT_DIR"] = before


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(*processes: subprocess.Popen | None) -> None:
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        os.kill(process.pid, signal.SIGTERM)
    for process in running:
        process.wait(timeout=60)


def log_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{base}/logga-in", timeout=30).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = session.post(
        f"{base}/logga-in",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    return session


def readiness(base: str) -> tuple[int, dict]:
    answer = requests.get(f"{base}/readyz", timeout=30)
    return answer.status_code, answer.json()


@pytest.mark.postgres
def test_a_backup_restored_into_a_new_database_serves_the_same_desk(
    tools, app, database_url, source, new_database, tmp_path
):
    older = tmp_path / "backups" / "kundtjanst-20000101T000000Z"
    older.mkdir(parents=True)
    backed_up = script(
        "backup.sh",
        "--keep",
        "1",
        str(tmp_path / "backups"),
        env=clean_env(DATABASE_URL=database_url, KUNDTJANST_INSTANCE_PATH=str(source["folder"])),
    )
    assert backed_up.returncode == 0, backed_up.stderr
    backup = Path(backed_up.stdout.splitlines()[0])
    assert backed_up.stdout.splitlines()[1:] == [f"deleted {older}"]  # --keep 1
    assert sorted(p.name for p in backup.iterdir()) == [
        "SHA256SUMS", "attachments.tar.gz", "backup.txt", "database.dump", "instance.tar.gz"
    ]  # fmt: skip
    assert "instance files: config.py secret_key" in (backup / "backup.txt").read_text()
    assert backup.stat().st_mode & 0o077 == 0  # personal data and the secret key

    restored_folder = tmp_path / "restored"
    restored = script(
        "restore.sh", str(backup), new_database, str(restored_folder), env=clean_env()
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "schema: at head" in restored.stdout
    assert "attachments: 1 of 1 whole" in restored.stdout
    for name in ("config.py", "secret_key"):
        assert (restored_folder / name).read_bytes() == (source["folder"] / name).read_bytes()

    # The restored copy, served by gunicorn from the new database and folder alone.
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(
        DATABASE_URL=new_database,
        KUNDTJANST_INSTANCE_PATH=str(restored_folder),
        KUNDTJANST_BIND=f"127.0.0.1:{port}",
        KUNDTJANST_WORKERS="1",
    )
    web_log = tmp_path / "gunicorn.log"
    web = start([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], env, web_log)
    scheduler = None
    try:
        wait_for(port, web, web_log)
        status, body = readiness(base)
        # At head, but the old installation's scheduler lease does not count for the copy.
        assert status == 503, body
        assert body["checks"]["migrations"] == {"ok": True, "detail": "at head"}
        assert body["checks"]["scheduler"] == {
            "ok": False,
            "detail": "no scheduler has held the lease",
        }
        scheduler = start(
            [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
            {**env, "KUNDTJANST_SCHEDULER_JOBS": "scheduler.heartbeat"},
            tmp_path / "scheduler.log",
        )

        session = log_in(base, source["email"])
        page = session.get(f"{base}/arenden/{source['reference']}", timeout=30)
        assert page.status_code == 200
        assert "Backupby kommun" in page.text  # the restored instance/config.py
        assert "Bygglov för friggebod" in page.text
        assert TIMELINE.search(page.text).group(0) == source["timeline"]
        assert REPLY in source["timeline"]
        download = session.get(base + source["download"], timeout=30)
        assert download.status_code == 200
        assert hashlib.sha256(download.content).digest() == hashlib.sha256(PDF).digest()
        citizen = requests.get(f"{base}/arende/{source['token']}", timeout=30)
        assert citizen.status_code == 200 and REPLY in citizen.text

        deadline = time.monotonic() + 60
        while (found := readiness(base))[0] != 200 and time.monotonic() < deadline:
            assert scheduler.poll() is None, (tmp_path / "scheduler.log").read_text()
            time.sleep(0.3)
        assert found[0] == 200, found
    finally:
        stop(scheduler, web)

    # Never over an existing database: the copy is left as it was.
    again = script(
        "restore.sh", str(backup), new_database, str(tmp_path / "again"), env=clean_env()
    )
    assert again.returncode != 0 and "it must not exist yet" in again.stderr
    copy = create_engine(new_database)
    with copy.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM tickets")) == 1
    copy.dispose()


def test_a_damaged_backup_is_refused_before_anything_is_made(tools, tmp_path):
    backup = tmp_path / "kundtjanst-20270101T000000Z"
    backup.mkdir()
    for name in ("database.dump", "attachments.tar.gz", "instance.tar.gz"):
        (backup / name).write_bytes(b"bytes as they were")
    sums = subprocess.run(
        ["sha256sum", "database.dump", "attachments.tar.gz", "instance.tar.gz"],
        cwd=backup,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (backup / "SHA256SUMS").write_text(sums)
    (backup / "database.dump").write_bytes(b"bytes as they were, but one")
    target = "postgresql://nobody@127.0.0.1:1/never_made"
    refused = script("restore.sh", str(backup), target, str(tmp_path / "new"), env=clean_env())
    assert refused.returncode != 0
    assert "the backup is damaged" in refused.stderr
    assert not (tmp_path / "new").exists()
