"""The administrators' webhook pages: only administrators, the secret shown once,
hostile input answered with clear messages (never a 500, nothing half stored),
every change in the audit log, CSRF on every form."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.extensions import db
from kundtjanst.webhooks.models import PENDING, WebhookDelivery, WebhookSubscription
from kundtjanst.webhooks.sending import deliver

from .conftest import login, make_app
from .factories import new_ticket
from .webhook_helpers import subscribe

PAGE = "/admin/api/webhooks"


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(WebhookSubscription))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("who", ["agent", "member", "manager"])
def test_only_administrators(app, org, login_as, who):
    client = login_as(who)
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(PAGE, data={"url": "http://127.0.0.1/", "events": "ticket.created"}).status_code
        == 403
    )
    assert login_as("anonymous").get(PAGE).status_code == 302
    with app.app_context():
        assert count() == 0


def test_create_shows_the_secret_once(app, org, login_as, receiver):
    admin = login_as("admin")
    response = admin.post(
        PAGE,
        data={
            "url": receiver.url,
            "description": "Ärendesystemet",
            "events": ["ticket.created", "ticket.resolved"],
            "groups": [str(org.groups.bygg)],
            "scopes": ["confidential:socialtjanst"],
        },
    )
    assert response.status_code == 200
    secret = re.search(r'value="(whsec_[^"]+)"', response.get_data(as_text=True)).group(1)
    with app.app_context():
        sub = db.session.scalars(select(WebhookSubscription)).one()
        assert sub.secret == secret and sub.group_ids == [org.groups.bygg]
        assert sub.created_by == "admin@kommun.test"
        assert actions() == ["webhook.create"]
        sub_id = sub.id
    for path in (PAGE, f"{PAGE}/{sub_id}", "/admin/"):
        page = admin.get(path)
        assert page.status_code == 200 and secret not in page.get_data(as_text=True)
    assert receiver.url in admin.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "", "events": "ticket.created"}, "adress"),
        ({"url": "javascript:alert(1)", "events": "ticket.created"}, "http"),
        ({"url": "http://169.254.169.254/", "events": "ticket.created"}, "169.254.169.254"),
        ({"url": "http://localhost/", "events": "ticket.created"}, "privat nät"),
        ({"url": "http://10.0.0.1/", "events": "ticket.created"}, "10.0.0.1"),
        ({"url": "http://127.0.0.1/\x00", "events": "ticket.created"}, "tecken"),
        ({"url": "http://x/" + "a" * 3000, "events": "ticket.created"}, "2000"),
        ({"url": "https://u:p@example.org/", "events": "ticket.created"}, "lösenord"),
        ({"url": "http://example.org:99999/", "events": "ticket.created"}, "port"),
        ({"url": "http://127.0.0.1/"}, "händelse"),
        ({"url": "http://127.0.0.1/", "events": "ticket.deleted"}, "alternativen"),
        ({"url": "http://127.0.0.1/", "events": "ticket.created", "groups": "abc"}, "alternativen"),
        (
            {"url": "http://127.0.0.1/", "events": "ticket.created", "groups": "9" * 30},
            "alternativen",
        ),
        (
            {"url": "http://127.0.0.1/", "events": "ticket.created", "scopes": "<script>"},
            "alternativen",
        ),
        ({"url": "http://127.0.0.1/", "events": "ticket.created", "description": "a\nb"}, "rad"),
    ],
)
def test_hostile_input_gets_a_clear_message(app, org, login_as, loopback, data, message):
    if "localhost" in data["url"]:  # a name for loopback, loopback not allowed
        app.config["WEBHOOK_ALLOW_NETWORKS"] = ""
    response = login_as("admin").post(PAGE, data=data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "error-summary" in text and message in text
    assert "<script>" not in text.replace("&lt;script&gt;", "")
    with app.app_context():
        assert count() == 0 and actions() == []


def test_change_pause_resume_rotate_redeliver_delete(app, org, login_as, receiver):
    admin = login_as("admin")
    with app.app_context():
        sub, secret = subscribe(receiver.url, ["ticket.created"])
        sub_id = sub.id
        new_ticket()
        deliver()
        delivery_id = db.session.scalar(select(WebhookDelivery.id))
    page = f"{PAGE}/{sub_id}"
    text = admin.get(page).get_data(as_text=True)
    assert "answer 200" in text and "ms" in text  # the attempt with its excerpt and latency
    response = admin.post(page, data={"events": ["ticket.created", "ticket.claimed"]})
    assert response.status_code == 302
    assert admin.post(page, data={"events": ["nope"]}).status_code == 400
    assert admin.post(f"{page}/pausa", data={"reason": "Underhåll"}).status_code == 302
    assert "Underhåll" in admin.get(page).get_data(as_text=True)
    assert admin.post(f"{page}/ateruppta").status_code == 302
    rotated = admin.post(f"{page}/nytt-hemligt")
    new_secret = re.search(r'value="(whsec_[^"]+)"', rotated.get_data(as_text=True)).group(1)
    assert new_secret != secret
    assert admin.post(f"{page}/leveranser/{delivery_id}/skicka-igen").status_code == 302
    assert admin.post(f"{page}/leveranser/999999/skicka-igen").status_code == 404
    with app.app_context():
        sub = db.session.get(WebhookSubscription, sub_id)
        assert sub.events == ["ticket.created", "ticket.claimed"] and sub.paused_at is None
        assert sub.previous_secret == secret and sub.secret == new_secret
        assert db.session.get(WebhookDelivery, delivery_id).status == PENDING
    assert admin.get(f"{page}/ta-bort").status_code == 200
    assert admin.post(f"{page}/ta-bort").status_code == 302
    assert admin.get(page).status_code == 404
    with app.app_context():
        assert actions() == [
            "webhook.update",
            "webhook.pause",
            "webhook.resume",
            "webhook.rotate",
            "webhook.redeliver",
            "webhook.delete",
        ]


@pytest.mark.parametrize("path", ["/0", "/99999999999", "/abc", "/1/leveranser/1/skicka-igen"])
def test_unknown_subscriptions_are_404(app, org, login_as, path):
    method = "post" if path.endswith("igen") else "get"
    assert getattr(login_as("admin"), method)(PAGE + path).status_code == 404


@pytest.fixture
def csrf_app(database_url, app):
    csrf_app = make_app(database_url, WTF_CSRF_ENABLED=True, WEBHOOK_ALLOW_NETWORKS="127.0.0.0/8")
    yield csrf_app
    with csrf_app.app_context():
        db.engine.dispose()


def test_forms_need_their_csrf_token(csrf_app, org):
    client = csrf_app.test_client()
    login(client, org.users.admin)
    with csrf_app.app_context():
        sub, _ = subscribe("http://127.0.0.1:9/hook", ["ticket.created"])
        sub_id = sub.id
    refused = client.post(PAGE, data={"url": "http://127.0.0.1/", "events": "ticket.created"})
    assert refused.status_code == 400
    for action in ("pausa", "nytt-hemligt", "ta-bort"):
        client.post(f"{PAGE}/{sub_id}/{action}")
    with csrf_app.app_context():
        sub = db.session.get(WebhookSubscription, sub_id)
        assert count() == 1 and sub.paused_at is None and sub.previous_secret is None
        assert sub.active
