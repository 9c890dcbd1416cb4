"""The dashboard counts mail that came in as e-mail questions, and the national
measure (e-mail answered within one working day) starts when the mailbox received
the mail (IMAP INTERNALDATE), not when it was fetched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import local_today, utcnow
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.core.workingtime import working_time_between
from kundtjanst.extensions import db
from kundtjanst.tickets import services
from kundtjanst.worktime.queries import current_calendar

from .factories import new_ticket
from .inbound_helpers import fetch, tickets
from .mails import mail

MONDAY_MORNING = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm


def test_mail_counts_on_the_dashboard_from_the_mailboxs_time(app, org, mailbox, login_as):
    recent = utcnow() - timedelta(minutes=5)
    mailbox.append(mail("Gammal fråga", sender="a@example.org"), received=MONDAY_MORNING)
    mailbox.append(mail("Ny fråga", sender="b@example.org"), received=recent)
    fetch(app)
    with app.app_context():
        new_ticket(channel=Channel.PHONE)  # another channel: not counted below
        agent = db.session.get(User, org.users.agent)
        old, new = [t for t in tickets() if t.channel == Channel.EMAIL]
        for ticket in (old, new):
            services.resolve(ticket, agent, Outcome.ANSWERED, reply_body="Svar.")
        db.session.commit()
        assert old.created_at == MONDAY_MORNING
        expected = working_time_between(MONDAY_MORNING, old.first_response_at, current_calendar())
        assert old.answer_minutes == int(expected.total_seconds() // 60)
        assert old.answered_within_day is False  # days of office hours since Monday 08:00
        assert new.answered_within_day is True

    period = f"from=2026-11-30&to={local_today().isoformat()}"
    body = login_as("manager").get(f"/statistik.json?{period}&channel=email").get_json()
    assert body["received"] == 2
    assert body["email_within_one_working_day"] == {
        "numerator": 1,
        "denominator": 2,
        "share": 0.5,
    }
