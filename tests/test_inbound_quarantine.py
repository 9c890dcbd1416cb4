"""The quarantine at /admin/karantan: administrators see the mail that could not be
placed, read one, run it again or discard it (kept, marked). Posts need their CSRF
token; hostile ids and stale actions get clear answers, never a 500."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.extensions import db
from kundtjanst.inbound.models import DISCARDED, NEW_TICKET, QUARANTINED, InboundMail
from kundtjanst.settings import services as settings

from .conftest import login, make_app
from .inbound_helpers import fetch, stored, tickets
from .mails import mail


@pytest.fixture
def quarantined(app, org, mailbox) -> dict[str, int]:
    """An unreadable mail and one past its sender's daily limit (1), in quarantine."""
    with app.app_context():
        settings.put("mail_tickets_per_sender_per_day", 1)
        db.session.commit()
    mailbox.append(mail("Första frågan"))
    mailbox.append(mail("Andra frågan <script>x</script>", "Text i karantän"))
    mailbox.append(b"\x00\x01 not a mail")
    assert fetch(app) == {"waiting": 3, "ticket": 1, QUARANTINED: 2}
    with app.app_context():
        _first, limited, unreadable = stored()
        return {"limited": limited.id, "unreadable": unreadable.id}


def test_administrators_see_the_quarantine(app, quarantined, login_as):
    admin = login_as("admin")
    page = admin.get("/admin/karantan").get_data(as_text=True)
    assert "Andra frågan &lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page
    assert f"/admin/karantan/{quarantined['unreadable']}/kasta" in page
    detail = admin.get(f"/admin/karantan/{quarantined['limited']}")
    assert detail.status_code == 200 and "Text i karantän" in detail.get_data(as_text=True)
    assert admin.get(f"/admin/karantan/{quarantined['unreadable']}").status_code == 200
    assert login_as("agent").get("/admin/karantan").status_code == 403
    assert "karantan" in admin.get("/admin/").get_data(as_text=True)


def test_running_again_lets_a_limited_sender_past(app, quarantined, login_as):
    response = login_as("admin").post(f"/admin/karantan/{quarantined['limited']}/kor-igen")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(InboundMail, quarantined["limited"])
        assert row.status == NEW_TICKET and row.ticket_id is not None
        assert len(tickets()) == 2
        assert db.session.scalar(
            select(AuditEntry.action).where(AuditEntry.action == "inbound.rerun")
        )


def test_running_an_unreadable_mail_again_keeps_it_and_says_why(app, quarantined, login_as):
    admin = login_as("admin")
    response = admin.post(
        f"/admin/karantan/{quarantined['unreadable']}/kor-igen", follow_redirects=True
    )
    assert response.status_code == 200
    assert "no From, Message-ID, Subject or Date header" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(InboundMail, quarantined["unreadable"]).status == QUARANTINED


def test_discarding_keeps_the_mail_marked(app, quarantined, login_as):
    admin = login_as("admin")
    assert admin.post(f"/admin/karantan/{quarantined['unreadable']}/kasta").status_code == 302
    with app.app_context():
        row = db.session.get(InboundMail, quarantined["unreadable"])
        assert row.status == DISCARDED and row.raw.endswith(b"\x01 not a mail")
    # Twice: the second is told it is gone from the quarantine, nothing changes.
    again = admin.post(f"/admin/karantan/{quarantined['unreadable']}/kasta", follow_redirects=True)
    assert again.status_code == 200
    assert "no longer in the quarantine" in again.get_data(as_text=True) or (
        "inte längre i karantänen" in again.get_data(as_text=True)
    )
    page = admin.get("/admin/karantan").get_data(as_text=True)
    assert f"/admin/karantan/{quarantined['unreadable']}/" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/admin/karantan/0/kasta",
        "/admin/karantan/99999999999999/kor-igen",
        "/admin/karantan/-1/kasta",
        "/admin/karantan/abc/kasta",
        "/admin/karantan/1%00/kasta",
    ],
)
def test_hostile_ids_are_not_found(app, org, login_as, path):
    assert login_as("admin").post(path).status_code in (400, 404)


def test_hostile_query_parameters_never_break_the_list(app, quarantined, login_as):
    admin = login_as("admin")
    for query in ("?page=-1", "?page=99999999999999999999", "?page=<x>", "?page=2"):
        assert admin.get("/admin/karantan" + query).status_code == 200
    assert admin.get("/admin/karantan?page=%00").status_code == 400  # the app-wide NUL guard


def test_posts_need_their_csrf_token(database_url, app, quarantined):
    csrf_app = make_app(database_url, WTF_CSRF_ENABLED=True)
    try:
        client = csrf_app.test_client()
        with csrf_app.app_context():
            from kundtjanst.auth.models import Role, User

            admin_id = db.session.scalar(select(User.id).where(User.role == Role.ADMIN))
        login(client, admin_id)
        target = f"/admin/karantan/{quarantined['unreadable']}/kasta"
        assert client.post(target, data={}).status_code == 400
        page = client.get("/admin/karantan").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert client.post(target, data={"csrf_token": token}).status_code == 302
        with app.app_context():
            assert db.session.get(InboundMail, quarantined["unreadable"]).status == DISCARDED
    finally:
        with csrf_app.app_context():
            db.engine.dispose()
