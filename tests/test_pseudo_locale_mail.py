"""Every mail in the pseudo-locale (issue 16): no line of it escapes translation.

The citizen's mails (templates/mail/: the receipt, a reply, the closing answer with
and without a reply, a confidential question's receipt) are written for a ticket in
the pseudo language; the staff's (a group told of tickets past their due time and of
unclaimed ones, a group's articles due for review, the administrators told of a
paused webhook) to readers who work in the pseudo language. Each mail's subject,
text and HTML are read as in test_pseudo_locale.py; the outbox itself is no data here
(it holds the very text under test).
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import delete, select

from kundtjanst.auth.models import User
from kundtjanst.citizenmail import services as citizenmail
from kundtjanst.core.timeutil import local_today, utcnow
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.core.webhooksign import new_secret, new_webhook_id
from kundtjanst.extensions import db
from kundtjanst.kb import reminders
from kundtjanst.kb import services as kb
from kundtjanst.kb.models import ArticleState
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.org.models import Group
from kundtjanst.tickets import jobs, services
from kundtjanst.webhooks import sending
from kundtjanst.webhooks.models import WebhookDelivery, WebhookSubscription

from .factories import new_ticket
from .test_pseudo_locale import (  # noqa: F401  (pseudo_app, pseudo_directory: fixtures)
    CODE,
    Reader,
    pseudo_app,
    pseudo_directory,
    visible_text,
)


def citizen_ticket(org, **kwargs):
    """A question in the pseudo language, its creation's mail left out (it was written
    before the ticket had its language)."""
    ticket, token = new_ticket(citizen_email="eva@example.org", **kwargs)
    ticket.language = CODE
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.ticket_id == ticket.id))
    db.session.commit()
    return ticket, token


def citizens_mails(org) -> None:
    agent = db.session.get(User, org.users.agent)
    asked, token = citizen_ticket(org, category_id=org.categories.avfall)
    citizenmail.receipt(asked, token)
    services.reply(asked, agent, "Soptunnan töms på torsdag.")
    services.resolve(asked, agent, Outcome.ANSWERED, reply_body="Nu är den tömd.")
    closed, _ = citizen_ticket(org, channel=Channel.LETTER)
    services.resolve(closed, agent, Outcome.ANSWERED)  # closed without a reply
    secret, token = citizen_ticket(org, category_id=org.categories.bistand)
    citizenmail.receipt(secret, token)


def staffs_mails(org) -> None:
    """Every member of staff works in the pseudo language: each mail is written in its
    readers' language."""
    for user in db.session.scalars(select(User)):
        user.language = CODE
    now = utcnow()
    bygg = db.session.get(Group, org.groups.bygg)
    late, _ = new_ticket(citizen_email=None)
    late.due_at = now - timedelta(hours=1)
    waiting, _ = new_ticket(citizen_email=None)
    services.escalate(waiting, db.session.get(User, org.users.agent), bygg)
    bygg.unclaimed_alert_hours = 1
    waiting.stage_started_at = now - timedelta(days=30)
    article = kb.create_article(
        None,
        kb.ArticleFields(
            title="Altan",
            summary="Kräver ofta bygglov.",
            body="",
            group=bygg,
            state=ArticleState.PUBLISHED,
            review_on=local_today() - timedelta(days=1),
        ),
    )
    db.session.commit()
    jobs.sla_watch(now)
    jobs.unclaimed_alert(now)
    reminders.remind_reviews(local_today())
    assert article.reminded_for is not None
    paused_webhook(now)
    db.session.commit()


def paused_webhook(now) -> None:
    """The administrators are told that a subscription was paused (what the sender does
    when a receiver has refused a delivery for the whole retry time)."""
    sub = WebhookSubscription(
        url="https://hooks.example.org/in",
        events=["ticket.created"],
        scopes=[],
        secret=new_secret(),
        created_at=now,
        active=True,
    )
    db.session.add(sub)
    db.session.flush()
    delivery = WebhookDelivery(
        subscription_id=sub.id,
        webhook_id=new_webhook_id(),
        type="ticket.created",
        payload="{}",
        status="pending",
        attempts=30,
        last_error="HTTP 500",
    )
    db.session.add(delivery)
    db.session.flush()
    sending._pause_failing(sub, delivery, now)


def read_mails(reader: Reader) -> set[str]:
    kinds = set()
    for mail in db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)):
        where = f"mail {mail.id} ({mail.kind}): {mail.subject[:60]}"
        reader.text([mail.subject, *mail.body.splitlines()], where)
        if mail.html_body:
            reader.text(visible_text(mail.html_body), f"{where} (HTML)")
        kinds.add(mail.kind)
    return kinds


def test_every_mail_to_a_citizen_is_translated(pseudo_app, org):  # noqa: F811
    reader = Reader(pseudo_app, leave_out=frozenset({"outbox"}))
    with pseudo_app.test_request_context(headers={"Accept-Language": CODE}):
        citizens_mails(org)
        assert read_mails(reader) == {"receipt", "reply", "closing"}
        assert db.session.scalar(select(db.func.count(OutgoingMail.id))) == 5
    report = reader.untranslated()
    assert not report, report


def test_every_mail_to_staff_is_translated(pseudo_app, org):  # noqa: F811
    reader = Reader(pseudo_app, leave_out=frozenset({"outbox"}))
    with pseudo_app.app_context(), force_locale(CODE):
        staffs_mails(org)
        subjects = [m.subject for m in db.session.scalars(select(OutgoingMail))]
        assert len(subjects) == 4, subjects  # past due, unclaimed, review, webhook
        read_mails(reader)
    report = reader.untranslated()
    assert not report, report
