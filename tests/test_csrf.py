"""With CSRF protection on (as in production), a post without its token is refused."""

import re

import pytest
from sqlalchemy import func, select

from kundtjanst.extensions import db
from kundtjanst.tickets.models import Ticket

from .conftest import login, make_app


@pytest.fixture
def csrf_app(database_url, app):
    csrf_app = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield csrf_app
    with csrf_app.app_context():
        db.engine.dispose()  # or its pooled connections are closed by the garbage collector


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Ticket))


def test_public_form_without_token_is_refused(csrf_app, org):
    client = csrf_app.test_client()
    response = client.post(
        "/fraga",
        data={"category": str(org.categories.avfall), "subject": "Hej", "question": "Fråga"},
    )
    assert response.status_code == 400
    assert "säkerhetskod" in response.get_data(as_text=True)
    assert count(csrf_app) == 0


def test_public_form_with_token_is_accepted(csrf_app, org):
    client = csrf_app.test_client()
    html = client.get("/fraga").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post(
        "/fraga",
        data={
            "csrf_token": token,
            "category": str(org.categories.avfall),
            "subject": "Hej",
            "question": "Fråga",
        },
    )
    assert response.status_code == 302
    assert count(csrf_app) == 1


@pytest.mark.parametrize(
    "path", ["/ny-kontakt", "/logga-ut", "/arenden/KT-2026-000001/svara", "/logga-in"]
)
def test_staff_posts_without_token_are_refused(csrf_app, org, path):
    client = csrf_app.test_client()
    login(client, org.users.agent)
    assert client.post(path, data={}).status_code == 400
