"""/healthz and /readyz: what a load balancer asks, and what each answer means."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from kundtjanst.core.timeutil import utcnow
from kundtjanst.extensions import db
from kundtjanst.jobs import lease

from .conftest import make_app


def _checks(answer) -> dict:
    return {name: c["ok"] for name, c in answer.json["checks"].items()}


def test_healthz_answers_without_the_database(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_ready_once_a_scheduler_holds_the_lease(app, client):
    waiting = client.get("/readyz")
    assert waiting.status_code == 503
    assert _checks(waiting) == {"database": True, "migrations": True, "scheduler": False}
    with app.app_context():
        lease.acquire("host:1:abc", 60)
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json
    assert ready.json["status"] == "ready"
    assert "host" not in str(ready.json)  # nothing about the machines behind it


def test_a_lease_long_expired_is_not_ready(app, client):
    with app.app_context():
        lease.acquire("host:1:abc", 60, now=utcnow() - timedelta(minutes=10))
    answer = client.get("/readyz")
    assert answer.status_code == 503 and _checks(answer)["scheduler"] is False


def test_a_schema_behind_the_code_is_not_ready(app, client):
    with app.app_context():
        lease.acquire("host:1:abc", 60)
        (head,) = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
        db.session.execute(text("UPDATE alembic_version SET version_num = '4b8d0f2c6e31'"))
        db.session.commit()
    try:
        answer = client.get("/readyz")
        assert answer.status_code == 503
        assert _checks(answer)["migrations"] is False
        assert "4b8d0f2c6e31" in answer.json["checks"]["migrations"]["detail"]
    finally:
        with app.app_context():
            db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})
            db.session.commit()


@pytest.fixture
def gone():
    """An app whose database cannot be reached."""
    app = make_app("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("path", ["/readyz", "/healthz"])
def test_a_database_that_is_gone_is_a_503_not_a_500(gone, path):
    answer = gone.test_client().get(path)
    if path == "/healthz":
        assert answer.status_code == 200
    else:
        assert answer.status_code == 503
        assert answer.json["checks"] == {
            "database": {"ok": False, "detail": answer.json["checks"]["database"]["detail"]}
        }
        assert answer.json["checks"]["database"]["detail"].startswith("unreachable")


@pytest.mark.parametrize(
    "method, path, mimetype",
    [
        ("GET", "/fraga", "text/html"),
        ("GET", "/fragor-och-svar", "text/html"),
        ("POST", "/logga-in", "text/html"),
        ("GET", "/api/v1/groups", "application/problem+json"),
    ],
)
def test_pages_answer_503_while_the_database_is_gone(gone, method, path, mimetype):
    """Not a 500 with a trace: a clear page (or problem), and when to try again."""
    from kundtjanst.core.apitokens import new_token

    headers = {"Authorization": f"Bearer {new_token()}"}
    answer = gone.test_client().open(
        path, method=method, headers=headers, data={"email": "a@b.se", "password": "x"}
    )
    assert answer.status_code == 503, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == mimetype
    assert answer.headers["Retry-After"] == "30"
    if mimetype == "text/html":
        assert "Inget av det du skickade sparades" in answer.get_data(as_text=True)
    else:
        assert answer.json["status"] == 503


def test_a_signed_in_page_answers_503_while_the_database_is_gone(gone):
    """Loading the signed-in user fails too; the page is then drawn for nobody in
    particular (drawing the user's menu would ask the database again: a 500)."""
    client = gone.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
    answer = client.get("/inkorg")
    assert answer.status_code == 503
    page = answer.get_data(as_text=True)
    assert "Inget av det du skickade sparades" in page and "Logga ut" not in page


def test_a_receipt_outlives_a_503(gone):
    """The receipt page answered 503 (the database restarting): a reload shows the
    receipt, since the cookie still holds it."""
    client = gone.test_client()
    with client.session_transaction() as session:
        session["receipt"] = "r" * 43
    assert client.get("/fraga/skickad").status_code == 503
    with client.session_transaction() as session:
        assert session.get("receipt") == "r" * 43
