"""Webhook deliveries: written with their cause, signed (checked with the independent
``standardwebhooks`` package), retried with the same id, in order per ticket, and a
subscription paused when its receiver keeps failing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import utcnow
from kundtjanst.extensions import db
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.org.models import Group
from kundtjanst.tickets import services as tickets
from kundtjanst.webhooks import services
from kundtjanst.webhooks.models import DELIVERED, FAILED, PENDING, WebhookDelivery
from kundtjanst.webhooks.sending import deliver

from .factories import new_ticket
from .webhook_helpers import Receiver, deliveries, subscribe


def verify(secret: str, received) -> dict:
    return Webhook(secret).verify(received.body, received.headers)


def test_a_new_ticket_is_delivered_signed(app, org, receiver):
    with app.app_context():
        _sub, secret = subscribe(receiver.url, ["ticket.created"], description="Ärendesystem")
        ticket, _ = new_ticket(subject="Hemligt namn på gatan")
        (row,) = deliveries()
        assert row.status == PENDING and row.type == "ticket.created"
        assert deliver() == {DELIVERED: 1, PENDING: 0, FAILED: 0}
        reference = ticket.reference
    (got,) = receiver.received
    message = verify(secret, got)
    assert got.path == "/hook"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["user-agent"].startswith("EnVagIn-Webhooks")
    assert got.headers["webhook-id"].startswith("msg_")
    assert message["type"] == "ticket.created"
    data = message["data"]
    assert data["reference"] == reference
    assert data["url"].endswith(f"/api/v1/tickets/{reference}")
    assert data["status"] == "open" and data["channel"] == "web"
    assert data["group"]["slug"] == "kundtjanst" and data["confidential"] is False
    assert data["subject"] == "Hemligt namn på gatan"
    assert data["event"]["kind"] == "created"
    # Thin: nothing of the citizen, no text of the question.
    text = got.body.decode()
    assert "medborgare@example.org" not in text and "Storgatan" not in text


def test_500_twice_then_200_is_three_attempts_with_one_id(app, org, receiver):
    receiver.script = [500, 500]
    with app.app_context():
        _sub, secret = subscribe(receiver.url, ["ticket.created"])
        new_ticket()
        now = utcnow()
        assert deliver(now=now)[PENDING] == 1
        assert deliver(now=now)[PENDING] == 0  # once a pass, and not due yet
        assert deliver(now=now + timedelta(seconds=31))[PENDING] == 1
        assert deliver(now=now + timedelta(seconds=40))[DELIVERED] == 0  # waits a minute
        assert deliver(now=now + timedelta(minutes=3))[DELIVERED] == 1
        (row,) = deliveries()
        assert row.status == DELIVERED and row.attempts == 3
        db.session.refresh(row)
        codes = [
            a.status_code
            for a in db.session.scalars(
                select(type(row).attempt_rows.property.mapper.class_).order_by("id")
            )
        ]
        assert codes == [500, 500, 200]
    ids = {r.headers["webhook-id"] for r in receiver.received}
    bodies = {r.body for r in receiver.received}
    assert len(receiver.received) == 3 and len(ids) == 1 and len(bodies) == 1
    for got in receiver.received:
        verify(secret, got)


def test_a_receiver_down_gets_everything_later_in_order(app, org, loopback):
    down = Receiver().start()
    port = down.server.server_address[1]
    url = down.url
    down.stop()  # nobody listens on the port now
    with app.app_context():
        _sub, _secret = subscribe(url)
        ticket, _ = new_ticket()
        agent = db.session.get(User, org.users.agent)
        bygg = db.session.get(Group, org.groups.bygg)
        tickets.escalate(ticket, agent, bygg, "Till bygglov")
        db.session.commit()
        member = db.session.get(User, org.users.member)
        tickets.claim(ticket, member)
        db.session.commit()
        now = utcnow()
        counts = deliver(now=now)
        # Only the first is tried: the others wait for it (order per ticket).
        assert counts == {DELIVERED: 0, PENDING: 1, FAILED: 0}
        assert "ConnectionRefused" in deliveries()[0].last_error
    back = Receiver().start(port)
    try:
        with app.app_context():
            assert deliver(now=now + timedelta(minutes=5))[DELIVERED] == 3
            assert all(r.status == DELIVERED for r in deliveries())
    finally:
        back.stop()
    types = [json.loads(r.body)["type"] for r in back.received]
    assert types == ["ticket.created", "ticket.escalated", "ticket.claimed"]
    escalated = json.loads(back.received[1].body)["data"]
    assert escalated["group"]["slug"] == "bygglov"


def test_a_rolled_back_change_leaves_no_delivery(app, org, receiver):
    with app.app_context():
        subscribe(receiver.url)
        contact = tickets.Contact(channel="web", subject="Ångrad", description="x")
        tickets.create_ticket(contact)
        db.session.rollback()
        assert deliveries() == []
        # The next commit (of something else) does not pick up the forgotten entries.
        ticket, _ = new_ticket()
        assert [d.ticket_id for d in deliveries()] == [ticket.id]


def test_deliveries_are_committed_with_their_cause(app, org, receiver):
    with app.app_context():
        _sub, _ = subscribe(receiver.url, ["ticket.resolved"])
        ticket, _ = new_ticket()
        agent = db.session.get(User, org.users.agent)
        tickets.resolve(ticket, agent, tickets.Outcome.ANSWERED, reply_body="Svar")
        assert deliveries() == []  # written just before the commit, not before
        db.session.commit()
        (row,) = deliveries()
        data = json.loads(row.payload)["data"]
        # Built when the state was final: resolve() records before it sets the status.
        assert data["status"] == "resolved" and data["outcome"] == "answered"
        assert data["resolved_at"] is not None and data["first_contact"] is True
        assert "Svar" not in row.payload


def test_rotation_signs_with_both_secrets_during_the_overlap(app, org, receiver):
    with app.app_context():
        sub, old = subscribe(receiver.url, ["ticket.created"])
        new = services.rotate_secret(sub)
        db.session.commit()
        assert new != old and new.startswith("whsec_")
        new_ticket()
        deliver()
        sub.previous_secret_until = utcnow() - timedelta(seconds=1)  # the overlap is over
        db.session.commit()
        new_ticket()
        deliver()
    first, second = receiver.received
    assert len(first.headers["webhook-signature"].split(" ")) == 2
    assert verify(old, first) and verify(new, first)
    assert len(second.headers["webhook-signature"].split(" ")) == 1
    verify(new, second)
    with pytest.raises(WebhookVerificationError):
        verify(old, second)


def test_a_receiver_that_keeps_failing_pauses_the_subscription(app, org, receiver):
    receiver.default = 503
    with app.app_context():
        sub, _ = subscribe(receiver.url, ["ticket.created"])
        new_ticket()
        start = utcnow()
        deliver(now=start)
        deliver(now=start + timedelta(hours=2))
        assert sub.paused_at is None
        counts = deliver(now=start + timedelta(hours=25))
        assert counts[FAILED] == 1
        db.session.refresh(sub)
        assert sub.paused_at is not None and "503" in sub.pause_reason
        (mail,) = db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.subject.contains("webhook"))
        ).all()
        assert mail.recipients == ["admin@kommun.test"]
        assert f"/admin/api/webhooks/{sub.id}" in mail.body
        # While paused, new deliveries wait; nothing is lost.
        receiver.default = 200
        new_ticket()
        assert deliver(now=start + timedelta(hours=26))[DELIVERED] == 0
        assert services.resume(sub) == 2
        db.session.commit()
        assert deliver(now=utcnow() + timedelta(seconds=1))[DELIVERED] == 2
        assert [d.status for d in deliveries()] == [DELIVERED, DELIVERED]


def test_redeliver_sends_the_same_delivery_again(app, org, receiver):
    with app.app_context():
        _sub, _secret = subscribe(receiver.url, ["ticket.created"])
        new_ticket()
        deliver()
        (row,) = deliveries()
        services.redeliver(row)
        db.session.commit()
        assert row.status == PENDING
        assert deliver(ids=[row.id])[DELIVERED] == 1
        assert row.attempts == 2
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body


def test_deleting_stops_everything(app, org, receiver):
    with app.app_context():
        sub, _ = subscribe(receiver.url)
        new_ticket()
        services.delete(sub)
        db.session.commit()
        assert deliver()[DELIVERED] == 0
        assert deliveries()[0].status == FAILED
        new_ticket()
        assert len(deliveries()) == 1  # nothing more is written for it
    assert receiver.received == []


def test_the_job_and_the_command_send(app, org, receiver, runner):
    from kundtjanst.jobs import registry

    from .test_jobs import run

    assert "webhooks.send" in registry.load()
    with app.app_context():
        subscribe(receiver.url, ["ticket.created"])
        new_ticket()
    assert run(app, "webhooks.send").ok
    with app.app_context():
        new_ticket()
    result = runner.invoke(args=["webhooks", "send"])
    assert result.exit_code == 0 and "delivered 1" in result.output
    assert len(receiver.received) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 2
