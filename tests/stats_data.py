"""Tickets with known outcomes at known times, made through the real services."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kundtjanst.auth.models import User
from kundtjanst.core import timeutil
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets import services
from kundtjanst.tickets.citizen import citizen_message
from kundtjanst.tickets.models import Ticket


class Clock:
    """Sets "now" for every module of the application that asks for it."""

    def __init__(self, monkeypatch, start: datetime):
        self.now = start
        original = timeutil.utcnow
        for name, module in list(sys.modules.items()):
            if name.startswith("kundtjanst") and getattr(module, "utcnow", None) is original:
                monkeypatch.setattr(module, "utcnow", self)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment.astimezone(UTC)

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@dataclass
class Made:
    reference: str
    expected_first_contact: bool | None  # None: withdrawn or still open


SCENARIOS = (
    "answered_now",
    "referred_now",
    "escalated_live",
    "escalated_call_back",
    "web_one_reply",
    "web_two_replies",
    "email_escalated_one_reply",
    "email_citizen_wrote_again",
    "web_reopened",
    "web_forwarded",
    "web_withdrawn",
    "confidential_one_reply",
    "still_open",
)


def make_scenario(kind: str, org, clock: Clock, rng: random.Random) -> Made:
    agent = db.session.get(User, org.users.agent)
    member = db.session.get(User, org.users.member)
    social = db.session.get(User, org.users.social)
    bygg = db.session.get(Group, org.groups.bygg)

    def create(channel: Channel, category: int | None = None, email: str | None = None):
        contact = services.Contact(
            channel=channel,
            subject=f"{kind} {rng.randint(1, 10**6)}",
            description="Fråga",
            category=db.session.get(Category, category or org.categories.avfall),
            citizen_email=email,
        )
        ticket, _ = services.create_ticket(contact, actor=agent, status_link=True)
        return ticket

    def later(minutes: int = 30):
        clock.advance(minutes=rng.randint(1, minutes))

    expected: bool | None
    if kind == "answered_now":
        t = create(Channel.PHONE)
        services.resolve(t, agent, Outcome.ANSWERED, during_contact=True)
        expected = True
    elif kind == "referred_now":
        t = create(Channel.VISIT)
        services.resolve(
            t, agent, Outcome.REFERRED, during_contact=True, referred_to="Skatteverket"
        )
        expected = True
    elif kind == "escalated_live":
        t = create(Channel.PHONE)
        services.escalate(t, agent, bygg, "Kopplar")
        services.claim(t, member)
        services.resolve(t, member, Outcome.ANSWERED, during_contact=True)
        expected = True
    elif kind == "escalated_call_back":
        t = create(Channel.PHONE)
        services.escalate(t, agent, bygg, "Ring upp")
        later(600)
        services.claim(t, member)
        later(120)
        services.resolve(t, member, Outcome.ANSWERED)
        expected = False
    elif kind == "web_one_reply":
        t = create(Channel.WEB)
        later(300)
        services.resolve(t, agent, Outcome.ANSWERED, reply_body="Svar")
        expected = True
    elif kind == "web_two_replies":
        t = create(Channel.WEB)
        later()
        services.reply(t, agent, "Motfråga")
        later()
        services.resolve(t, agent, Outcome.ANSWERED, reply_body="Svar")
        expected = False
    elif kind == "email_escalated_one_reply":
        t = create(Channel.EMAIL, email="a@example.org")
        services.escalate(t, agent, bygg)
        later(900)
        services.claim(t, member)
        services.resolve(
            t,
            member,
            Outcome.ANSWERED,
            reply_body="Svar",
            could_have_answered=rng.random() < 0.5,
        )
        expected = True
    elif kind == "email_citizen_wrote_again":
        t = create(Channel.EMAIL, email="b@example.org")
        later()
        services.reply(t, agent, "Svar")
        later()
        citizen_message(t, "Men …")
        later()
        services.resolve(t, agent, Outcome.ANSWERED)
        expected = False
    elif kind == "web_reopened":
        t = create(Channel.WEB)
        later()
        services.resolve(t, agent, Outcome.ANSWERED, reply_body="Svar")
        later()
        citizen_message(t, "Fel svar")
        later()
        services.resolve(t, agent, Outcome.ANSWERED, reply_body="Nytt svar")
        expected = False
    elif kind == "web_forwarded":
        t = create(Channel.WEB)
        services.escalate(t, agent, bygg)
        services.claim(t, member)
        later()
        services.resolve(t, member, Outcome.FORWARDED, diarienummer="SBN 2026/1")
        expected = False
    elif kind == "web_withdrawn":
        t = create(Channel.WEB)
        services.resolve(t, agent, Outcome.WITHDRAWN)
        expected = None
    elif kind == "confidential_one_reply":
        t = create(Channel.WEB, category=org.categories.bistand)
        services.claim(t, social)
        later(200)
        services.resolve(t, social, Outcome.ANSWERED, reply_body="Svar")
        expected = True
    elif kind == "still_open":
        t = create(Channel.PHONE)
        expected = None
    else:
        raise ValueError(kind)
    db.session.commit()
    return Made(t.reference, expected)


def populate(org, clock: Clock, moments: list[datetime], seed: int = 7) -> list[Made]:
    """One scenario at each moment, cycling through them all."""
    rng = random.Random(seed)
    made = []
    for i, moment in enumerate(moments):
        clock.set(moment)
        made.append(make_scenario(SCENARIOS[i % len(SCENARIOS)], org, clock, rng))
    return made


def tickets_by_reference() -> dict[str, Ticket]:
    return {t.reference: t for t in db.session.query(Ticket)}
