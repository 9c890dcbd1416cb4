"""What a subscription gets: the SSRF guard at subscribe and send time, redirects not
followed, confidential content by scope, the group filter, the event types, and
clear refusals of bad input."""

from __future__ import annotations

import json

import pytest

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import services as tickets
from kundtjanst.tickets.citizen import citizen_message
from kundtjanst.webhooks import services
from kundtjanst.webhooks.errors import WebhookError
from kundtjanst.webhooks.models import DELIVERED, PENDING, WebhookAttempt
from kundtjanst.webhooks.sending import deliver

from .factories import new_ticket
from .webhook_helpers import Receiver, deliveries, subscribe


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",  # loopback, not allow-listed here
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://localhost:8080/",  # a name that resolves to loopback
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_local_receivers_are_refused_at_subscribe_time(app, org, url):
    with app.app_context():
        with pytest.raises(WebhookError) as refused:
            services.subscribe(url, ["ticket.created"])
        assert refused.value.field == "url"
        assert "privat nät" in str(refused.value)
        db.session.rollback()


def test_loopback_allowed_only_while_allow_listed_and_checked_again_at_send_time(
    app, org, receiver
):
    with app.app_context():
        _sub, _ = subscribe(receiver.url, ["ticket.created"])
        new_ticket()
        app.config["WEBHOOK_ALLOW_NETWORKS"] = ""
        counts = deliver()
        assert counts[PENDING] == 1
        (attempt,) = db.session.query(WebhookAttempt).all()
        assert attempt.status_code is None and "refused" in attempt.error
    assert receiver.received == []


def test_a_redirect_to_loopback_is_not_followed(app, org, loopback):
    target = Receiver().start()
    redirecting = Receiver(default=("redirect", target.url)).start()
    try:
        with app.app_context():
            subscribe(redirecting.url, ["ticket.created"])
            new_ticket()
            assert deliver()[PENDING] == 1  # a 3xx is a failure
            (attempt,) = db.session.query(WebhookAttempt).all()
            assert attempt.status_code == 302
    finally:
        target.stop()
        redirecting.stop()
    assert len(redirecting.received) == 1 and target.received == []


def test_bad_input_is_refused_with_its_field(app, org, loopback):
    cases = [
        (dict(url="ftp://example.org/", events=["ticket.created"]), "url"),
        (dict(url="http://127.0.0.1/", events=[]), "events"),
        (dict(url="http://127.0.0.1/", events=["ticket.deleted"]), "events"),
        (dict(url="http://127.0.0.1/", events=["ticket.created"], group_ids=[999999]), "groups"),
        (dict(url="http://127.0.0.1/", events=["ticket.created"], group_ids=["x"]), "groups"),
        (dict(url="http://127.0.0.1/", events=["ticket.created"], scopes=["admin"]), "scopes"),
        (
            dict(
                url="http://127.0.0.1/", events=["ticket.created"], scopes=["confidential:nosuch"]
            ),
            "scopes",
        ),
    ]
    with app.app_context():
        for kwargs, field in cases:
            url, events = kwargs.pop("url"), kwargs.pop("events")
            with pytest.raises(WebhookError) as refused:
                services.subscribe(url, events, **kwargs)
            assert refused.value.field == field, kwargs
        db.session.rollback()
        assert services.subscribe("http://127.0.0.1/", ["ticket.created"])[0].id


def confidential_ticket(org):
    ticket, _ = new_ticket(
        subject="Ekonomiskt bistånd för familjen", category_id=org.categories.bistand
    )
    return ticket


def test_confidential_content_needs_the_scope(app, org, receiver):
    with app.app_context():
        plain, _ = subscribe(receiver.url, ["ticket.created"])
        scoped, _ = subscribe(
            receiver.url, ["ticket.created"], scopes=["confidential:socialtjanst"]
        )
        ticket = confidential_ticket(org)
        assert ticket.confidential
        by_sub = {d.subscription_id: json.loads(d.payload)["data"] for d in deliveries()}
        plain_id, scoped_id = plain.id, scoped.id
    assert by_sub[plain_id]["confidential"] is True
    assert "subject" not in by_sub[plain_id]
    assert "för familjen" not in json.dumps(by_sub[plain_id], ensure_ascii=False)
    assert by_sub[scoped_id]["subject"] == "Ekonomiskt bistånd för familjen"


def test_the_group_filter_follows_where_the_ticket_went(app, org, receiver):
    with app.app_context():
        _sub, _ = subscribe(
            receiver.url, ["ticket.created", "ticket.escalated"], group_ids=[org.groups.bygg]
        )
        agent = db.session.get(User, org.users.agent)
        bygg, miljo = (
            db.session.get(Group, org.groups.bygg),
            db.session.get(Group, org.groups.miljo),
        )
        first, _ = new_ticket()
        second, _ = new_ticket()
        assert deliveries() == []  # in kundtjänst
        tickets.escalate(first, agent, bygg)
        tickets.escalate(second, agent, miljo)
        db.session.commit()
        (row,) = deliveries()
        assert row.ticket_id == first.id and row.type == "ticket.escalated"
        # A transfer into an answer group is an escalation too; back to kundtjänst is not.
        member = db.session.get(User, org.users.other)
        tickets.transfer(second, member, bygg)
        db.session.commit()
        assert [d.ticket_id for d in deliveries()] == [first.id, second.id]
        kundtjanst = db.session.get(Group, org.groups.kundtjanst)
        tickets.transfer(second, member, kundtjanst)
        db.session.commit()
        assert len(deliveries()) == 2


def test_each_kind_becomes_its_type(app, org, receiver):
    with app.app_context():
        subscribe(receiver.url)
        agent = db.session.get(User, org.users.agent)
        member = db.session.get(User, org.users.member)
        ticket, _ = new_ticket()
        tickets.add_note(ticket, agent, "Intern anteckning")  # no event for notes
        tickets.escalate(ticket, agent, db.session.get(Group, org.groups.bygg))
        db.session.commit()
        tickets.claim(ticket, member)
        db.session.commit()
        tickets.resolve(ticket, member, tickets.Outcome.ANSWERED, reply_body="Klart")
        db.session.commit()
        citizen_message(ticket, "Tack, men en sak till")  # reopens it
        db.session.commit()
        types = [d.type for d in deliveries()]
        assert types == [
            "ticket.created",
            "ticket.escalated",
            "ticket.claimed",
            "ticket.resolved",
            "ticket.citizen_message",
            "ticket.reopened",
        ]
        assert all("Intern anteckning" not in d.payload for d in deliveries())
        assert all("en sak till" not in d.payload for d in deliveries())
        assert deliver()[DELIVERED] == 6
