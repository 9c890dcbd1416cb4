"""Every mail to staff in the language the reader works in: a group's members who
chose English get the group's alert in English, the others in Swedish; a group's
shared address gets the default language."""

from __future__ import annotations

from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.org.models import Group

from .test_jobs import escalated, run, smtp  # noqa: F401  (smtp: the real SMTP sink fixture)


def choose(user_id: int, language: str | None) -> None:
    db.session.get(User, user_id).language = language


def test_each_member_gets_the_alert_in_their_language(app, org, smtp):  # noqa: F811
    with app.app_context():
        db.session.get(Group, org.groups.bygg).unclaimed_alert_hours = 4
        choose(org.users.member, "en")
        reference = escalated(org, "Bygglov för altan", hours_ago=24 * 7)
        # A language no longer offered to staff (or none) reads as the default.
        second = db.session.scalar(select(User).where(User.email == "bygg2@kommun.test"))
        second.language = "fi"
        db.session.commit()

    outcome = run(app, "sla.unclaimed")
    assert outcome.ok and outcome.counts == {"alerted": 1, "groups": 1, "emails": 2}
    by_recipient = {tuple(sorted(to)): message for to, message in smtp.messages}
    english = by_recipient[("bygg1@kommun.test",)]
    swedish = by_recipient[("bygg2@kommun.test",)]
    assert english["Subject"].endswith("Unclaimed tickets in the queue")
    assert "Nobody has claimed these tickets" in english.get_content()
    assert swedish["Subject"].endswith("Ärenden i kön som ingen tagit")
    assert "Nobody has claimed" not in swedish.get_content()
    for message in (english, swedish):
        assert reference in message.get_content()


def test_a_groups_own_address_gets_the_default_language(app, org, smtp):  # noqa: F811
    with app.app_context():
        group = db.session.get(Group, org.groups.bygg)
        group.unclaimed_alert_hours = 4
        group.email = "bygglov@kommun.test"
        choose(org.users.member, "en")
        escalated(org, "Bygglov för altan", hours_ago=24 * 7)
        db.session.commit()

    assert run(app, "sla.unclaimed").counts["emails"] == 1
    ((recipients, message),) = smtp.messages
    assert recipients == ["bygglov@kommun.test"]
    assert "Unclaimed tickets in the queue" not in message["Subject"]
