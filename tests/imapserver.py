"""A private Dovecot IMAP server for tests and the benchmark.

`Dovecot.start()` writes a configuration, a passwd-file and the mail folders into a
folder of its own (``tempfile.mkdtemp``, chmod 0755: Dovecot stores mail as an
unprivileged user, ``nobody``, who must be able to reach it — pytest's tmp_path is
not traversable for it), and runs ``dovecot -F -c <config>`` on a free loopback port
with plain-text login allowed (loopback only, no TLS). `stop()` ends it by its pid.

Under ``CI=true`` a missing Dovecot fails the tests that need it instead of skipping
them (`require_dovecot`).
"""

from __future__ import annotations

import imaplib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

USER = "kundtjanst@sjostad.test"
PASSWORD = "imap-test-password"
IN_CI = os.environ.get("CI") == "true"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = 1
mail_uid = {user}
mail_gid = {group}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
    )


def require_dovecot() -> str:
    """The dovecot binary; skips the test without it (fails under CI=true)."""
    binary = dovecot_binary()
    if binary is None:
        message = "needs Dovecot (apt-get install dovecot-imapd)"
        if IN_CI:
            pytest.fail(f"{message}; CI=true requires the IMAP tests to run", pytrace=False)
        pytest.skip(message)
    return binary


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    binary: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kt-dovecot-")))
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> Dovecot:
        os.chmod(self.root, 0o755)
        user = "nobody" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
        group = "nogroup" if os.geteuid() == 0 else user
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(mode=0o755)
        if os.geteuid() == 0:
            shutil.chown(self.root / "mail", user, group)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        (self.root / "dovecot.conf").write_text(
            CONFIG.format(root=self.root, port=self.port, user=user, group=group)
        )
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopped: {self.log()}")
            try:
                with self.connect():
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def config(self, **extra) -> dict:
        """The application's settings for this server."""
        return {
            "IMAP_HOST": "127.0.0.1",
            "IMAP_PORT": self.port,
            "IMAP_USERNAME": USER,
            "IMAP_PASSWORD": PASSWORD,
            "IMAP_SECURITY": "none",
            "IMAP_FOLDER": "INBOX",
            "IMAP_PROCESSED_FOLDER": "",
            **extra,
        }

    def append(
        self, message: bytes, *, folder: str = "INBOX", received: datetime | None = None
    ) -> None:
        """Put a message in ``folder`` as a mail server would (INTERNALDATE ``received``)."""
        self.append_many([message], folder=folder, received=received)

    def append_many(
        self, messages: list[bytes], *, folder: str = "INBOX", received: datetime | None = None
    ) -> None:
        with self.connect() as client:
            self.ensure(client, folder)
            when = imaplib.Time2Internaldate(received) if received else None
            for message in messages:
                typ, data = client.append(folder, None, when, message)
                assert typ == "OK", data

    @staticmethod
    def ensure(client: imaplib.IMAP4, folder: str) -> None:
        if folder.upper() != "INBOX":
            client.create(folder)  # NO when it exists: fine

    def flags(self, folder: str = "INBOX") -> list[str]:
        """Each message's flags in ``folder``, in order."""
        with self.connect() as client:
            client.select(folder, readonly=True)
            _typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
            return [item.decode() for item in data if item]

    def count(self, folder: str = "INBOX", criterion: str = "ALL") -> int:
        with self.connect() as client:
            typ, _ = client.select(folder, readonly=True)
            if typ != "OK":
                return 0
            typ, data = client.uid("SEARCH", criterion)
            return len(data[0].split())

    def empty(self) -> None:
        """Delete every message and every folder but INBOX (between tests)."""
        with self.connect() as client:
            _typ, folders = client.list()
            names = [line.decode().rsplit(" ", 1)[-1].strip('"') for line in folders]
            for name in names:
                typ, data = client.select(name)
                if typ == "OK" and int(data[0]) > 0:
                    client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
                    client.expunge()
                client.close()
                if name.upper() != "INBOX":
                    client.delete(name)


# --- fixtures (imported by tests/conftest.py) ------------------------------------------


@pytest.fixture(scope="session")
def dovecot_server():
    """One private Dovecot for the whole run."""
    server = Dovecot(require_dovecot()).start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(app, dovecot_server, monkeypatch):
    """An empty mailbox, and the app configured to read it (our address
    noreply@sjostad.se)."""
    dovecot_server.empty()
    for key, value in dovecot_server.config().items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "MAIL_FROM", "En väg in <noreply@sjostad.se>")
    yield dovecot_server
