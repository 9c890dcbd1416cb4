"""The database goes away under load, and comes back.

A private PostgreSQL cluster (tests/pgcluster.py), migrated, with a small org; the
app under real gunicorn against it. Citizens ask questions on /fraga (CSRF token and
all, sending the same form again after a 503, as a person would), an agent reads the
inbox, someone reads the questions and answers. Meanwhile the database is stopped
(``pg_ctl stop -m fast``), kept down for a few seconds and started again. While it is
down every answer is a 503 with the Swedish page and Retry-After, never a 500 or a
trace; the app recovers by itself; and every question that got a receipt with a
reference is in the database exactly once.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.error import HTTPError, URLError
from urllib.request import HTTPCookieProcessor, Request, build_opener

import flask_migrate
import pytest
from sqlalchemy import text

from kundtjanst.extensions import db
from kundtjanst.tickets.models import Ticket

from .conftest import TEST_SECRET, make_app
from .factories import PASSWORD, build_org
from .pgcluster import Cluster, private_cluster, wait_until
from .test_logmask import GUNICORN, ROOT, free_port, wait_for

pytestmark = pytest.mark.postgres

HEALTHY_SECONDS = 2.5  # load before the database stops
DOWN_SECONDS = 4  # how long it stays down
RECOVERY_SECONDS = 10  # deadline for every kind of request to be answered again
SLACK_SECONDS = 1  # requests started this long after it is back are all answered
AFTER_SECONDS = 2  # load after recovery
CITIZENS = 3
FIELD = r'name="{}"[^>]*value="([^"]*)"'
UNAVAILABLE = ("Tillfälligt otillgänglig", "Inget av det du skickade sparades")


@dataclass
class Answer:
    kind: str
    started: float
    ended: float
    status: int
    body: str
    retry_after: str | None


@dataclass
class Load:
    """Every answer every load thread got, and the receipts the citizens were given."""

    base: str
    answers: list[Answer] = field(default_factory=list)
    receipts: dict[str, str] = field(default_factory=dict)  # subject -> reference
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    problems: list[str] = field(default_factory=list)

    def browser(self):
        return build_opener(HTTPCookieProcessor(CookieJar()))

    def fetch(self, opener, kind: str, path: str, form: dict | None = None) -> Answer:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        started = time.monotonic()
        try:
            with opener.open(Request(self.base + path, data=data), timeout=30) as response:
                status, body, headers = response.status, response.read(), response.headers
        except HTTPError as error:
            status, body, headers = error.code, error.read(), error.headers
        answer = Answer(
            kind,
            started,
            time.monotonic(),
            status,
            body.decode(errors="replace"),
            headers.get("Retry-After"),
        )
        with self.lock:
            self.answers.append(answer)
        return answer

    def run(self, name: str, body) -> threading.Thread:
        def guarded():
            try:
                while not self.stop.is_set():
                    body()
            except (URLError, OSError, AssertionError) as error:
                with self.lock:
                    self.problems.append(f"{name}: {error!r}")

        thread = threading.Thread(target=guarded, name=name, daemon=True)
        thread.start()
        return thread


def citizen(load: Load, number: int, category_id: int):
    opener = load.browser()
    asked = iter(range(10_000))

    def one_question():
        form = load.fetch(opener, "form", "/fraga")
        if form.status != 200:
            time.sleep(0.2)
            return
        subject = f"Fråga {number}-{next(asked)} om sophämtningen"
        data = {
            "csrf_token": re.search(FIELD.format("csrf_token"), form.body).group(1),
            "submission": re.search(FIELD.format("submission"), form.body).group(1),
            "anyway": "1",
            "category": str(category_id),
            "subject": subject,
            "question": "Soptunnan på Storgatan 1 har inte tömts på två veckor.",
            "email": "medborgare@example.org",
        }
        # The same filled-in form again after a 503, as long as the load runs.
        while not load.stop.is_set():
            sent = load.fetch(opener, "ask", "/fraga", data)
            found = re.search(r'id="reference">([^<]+)<', sent.body)
            if sent.status == 200 and found:
                with load.lock:
                    load.receipts[subject] = found.group(1)
                return
            assert sent.status == 503, f"POST /fraga: {sent.status}"
            time.sleep(0.2)

    return one_question


def reader(load: Load, kind: str, path: str, opener):
    def read():
        load.fetch(opener, kind, path)
        time.sleep(0.05)

    return read


def log_in(load: Load, email: str):
    opener = load.browser()
    page = load.fetch(opener, "login", "/logga-in")
    token = re.search(FIELD.format("csrf_token"), page.body).group(1)
    form = {"csrf_token": token, "email": email, "password": PASSWORD}
    assert load.fetch(opener, "login", "/logga-in", form).status == 200
    return opener


def _migrated_with_an_org(cluster: Cluster):
    url = cluster.create_database("kundtjanst")
    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        org = build_org()
        db.session.remove()
        db.engine.dispose()
    return url, org


def _gunicorn(url: str, log) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": TEST_SECRET,
        "KUNDTJANST_BIND": f"127.0.0.1:{port}",
        "KUNDTJANST_WORKERS": "2",
        "KUNDTJANST_QUESTION_LIMIT_PER_ADDRESS": "100000 per hour",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "--error-logfile", str(log)]
    process = subprocess.Popen(
        [*command, "--access-logfile", "/dev/null", "wsgi:app"], cwd=ROOT, env=env
    )
    try:
        wait_for(port, process, log)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return process, port


def test_the_database_goes_away_and_comes_back(tmp_path):
    with private_cluster() as cluster:
        url, org = _migrated_with_an_org(cluster)
        process, port = _gunicorn(url, tmp_path / "error.log")
        load = Load(f"http://127.0.0.1:{port}")
        threads: list[threading.Thread] = []
        try:
            agent = log_in(load, org.emails.agent)
            threads += [
                load.run(f"citizen-{n}", citizen(load, n, org.categories.avfall))
                for n in range(CITIZENS)
            ]
            threads.append(load.run("inbox", reader(load, "inbox", "/inkorg", agent)))
            threads.append(
                load.run("page", reader(load, "page", "/fragor-och-svar", load.browser()))
            )
            time.sleep(HEALTHY_SECONDS)
            cluster.stop("fast")
            stopped = time.monotonic()
            time.sleep(DOWN_SECONDS)
            starting = time.monotonic()
            cluster.start()
            back = time.monotonic()
            wait_until(
                lambda: all(_ok_after(load, kind, back) for kind in ("ask", "inbox", "page")),
                RECOVERY_SECONDS,
                "every kind of request answered again",
            )
            time.sleep(AFTER_SECONDS)
        finally:
            load.stop.set()
            for thread in threads:
                thread.join(timeout=60)
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        references = _references(url, load.receipts)

    assert not load.problems, load.problems
    answers = sorted(load.answers, key=lambda a: a.started)
    _every_answer_is_an_answer(answers)
    _down_means_503(answers, stopped, starting)
    _recovered(answers, back)
    assert len(load.receipts) >= CITIZENS * 2, "too few questions went through to judge"
    # Nothing acknowledged is lost, nothing is stored twice.
    assert references == {subject: [ref] for subject, ref in load.receipts.items()}
    log = (tmp_path / "error.log").read_text()
    assert "Traceback" not in log and "Exception on" not in log, log[-5000:]


def test_a_connection_cut_at_the_end_of_a_request_is_no_error():
    """The database stops after the answer is made, before the request's session is
    closed: closing drops the cut connection instead of raising (which gunicorn would
    turn into a 500 in place of the finished answer)."""
    with private_cluster() as cluster:
        app = make_app(cluster.url())
        with app.test_request_context("/inkorg"):
            assert db.session.execute(text("SELECT 1")).scalar() == 1  # in a transaction
            cluster.stop("fast")
        cluster.start()
        with app.app_context():
            assert db.session.execute(text("SELECT 2")).scalar() == 2
            db.session.remove()
            db.engine.dispose()


def _ok_after(load: Load, kind: str, moment: float) -> bool:
    with load.lock:
        return any(a.kind == kind and a.started > moment and a.status == 200 for a in load.answers)


def _every_answer_is_an_answer(answers: list[Answer]) -> None:
    for a in answers:
        assert a.status in (200, 503), (a.kind, a.status, a.body[:500])
        assert "Traceback" not in a.body and 'File "' not in a.body, a.body[:2000]
        if a.status == 503:
            assert all(text in a.body for text in UNAVAILABLE), a.body[:2000]
            assert a.retry_after == "30"


def _down_means_503(answers: list[Answer], stopped: float, starting: float) -> None:
    """Every request made while the database was down got the 503 page, and each kind
    of request was made then."""
    down = [a for a in answers if a.started > stopped and a.ended < starting]
    kinds = {a.kind for a in down}
    assert {"inbox", "page"} <= kinds and kinds & {"form", "ask"}, kinds
    assert all(a.status == 503 for a in down), [(a.kind, a.status) for a in down]


def _recovered(answers: list[Answer], back: float) -> None:
    """Once the database accepts connections again, every request is answered: the
    pool's pings replace the connections it cut (a second's slack for the moment)."""
    late = [a for a in answers if a.started > back + SLACK_SECONDS]
    assert {a.kind for a in late} >= {"inbox", "page", "ask"}, "the load stopped too soon"
    assert all(a.status == 200 for a in late), [(a.kind, a.status) for a in late]


def _references(url: str, receipts: dict[str, str]) -> dict[str, list[str]]:
    """Every ticket the citizens' questions made: subject -> references."""
    app = make_app(url)
    found: dict[str, list[str]] = {}
    with app.app_context():
        for subject, reference in db.session.execute(
            db.select(Ticket.subject, Ticket.reference).where(Ticket.subject.like("Fråga %"))
        ):
            found.setdefault(subject, []).append(reference)
        db.session.remove()
        db.engine.dispose()
    # A question that never got its receipt may be there or not; but only once.
    assert all(len(refs) == 1 for refs in found.values()), found
    return {subject: refs for subject, refs in found.items() if subject in receipts}
