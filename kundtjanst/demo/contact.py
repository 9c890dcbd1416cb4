"""Who asked and what: a demo ticket's question and citizen, as known when it arrives.

`new_contact` draws them — the question from the topic, the placeholders its
texts ask for, what the citizen left of name, e-mail and phone on the channel
they used — into a `Contact`, which gives the routing facts and the ticket's
columns that stay as they were.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core import phone as phones
from ..core.routing import TicketFacts
from ..core.vocabulary import Channel
from ..tickets.tokens import hash_token
from . import topics as T
from .municipality import HOUSING_DOMAIN, Municipality, ascii_slug

HIGH_PRIORITY_TOPICS = frozenset({"va", "gator", "snorojning", "parker"})
HIGH_PRIORITY = 0.05  # of the questions on those topics
CONCERN = 0.05  # a worry about a child, of the questions on the concern topics
HOUSING_COMPANY = 0.12  # the housing company's caretakers, of the housing topics written in
# How likely the citizen gives a name, an e-mail address and a phone number.
DETAILS = {
    Channel.PHONE: (0.6, 0.1, 0.75),
    Channel.EMAIL: (0.8, 1.0, 0.15),
    Channel.WEB: (0.7, 0.85, 0.3),
    Channel.CHAT: (0.4, 0.3, 0.1),
    Channel.VISIT: (0.5, 0.05, 0.3),
    Channel.LETTER: (0.95, 0.0, 0.3),
}
WRITTEN_IN = (Channel.EMAIL, Channel.WEB)  # the citizen writes the ticket themselves

Citizen = tuple[str | None, str | None, str | None]  # name, e-mail, phone


class Slots(dict):
    """Placeholder values, drawn the first time a text asks for them."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = self[key] = self.rng.choice(T.SLOTS[key])
        return value


@dataclass
class Contact:
    """What is known when a ticket is created."""

    created: datetime
    channel: Channel
    topic: T.Topic
    category_id: int
    question: T.Q
    slots: Slots
    subject: str
    description: str
    citizen: Citizen
    agent: int  # the kundtjänst agent at the desk or the phone
    priority: str
    status_token_hash: str | None

    @property
    def created_by(self) -> int | None:
        """The agent who registered the question, unless the citizen wrote it in."""
        return None if self.channel in WRITTEN_IN else self.agent

    def facts(self) -> TicketFacts:
        """What the routing rules look at."""
        return TicketFacts(
            channel=self.channel.value,
            category_id=self.category_id,
            subject=self.subject,
            description=self.description,
            citizen_email=self.citizen[1],
            language="sv",  # every demo question is Swedish (the column's default)
        )

    def columns(self) -> dict[str, Any]:
        """The ticket's columns that no step changes."""
        name, email, phone = self.citizen
        return {
            "channel": self.channel.value,
            "subject": self.subject,
            "description": self.description,
            "category_id": self.category_id,
            "citizen_name": name,
            "citizen_email": email,
            "citizen_phone": phone,
            "citizen_phone_e164": phones.normalise(phone),
            "status_token_hash": self.status_token_hash,
            "created_by_id": self.created_by,
        }


def new_contact(
    rng: random.Random, org: Municipality, created: datetime, channel: Channel, topic_key: str
) -> Contact:
    """A question on ``topic_key`` that came in at ``created`` through ``channel``."""
    slots = Slots(rng)
    question = _question(rng, topic_key)
    subject = question.subject.format_map(slots)
    description = question.description.format_map(slots)
    citizen = _citizen(rng, channel, topic_key)
    agent = rng.choice(org.agents)
    high = topic_key in HIGH_PRIORITY_TOPICS and rng.random() < HIGH_PRIORITY
    token_hash = _status_token_hash(rng) if channel == Channel.WEB else None
    return Contact(
        created=created,
        channel=channel,
        topic=T.TOPICS[topic_key],
        category_id=org.category_ids[topic_key],
        question=question,
        slots=slots,
        subject=subject,
        description=description,
        citizen=citizen,
        agent=agent,
        priority="high" if high else "normal",
        status_token_hash=token_hash,
    )


def _question(rng: random.Random, topic_key: str) -> T.Q:
    pool = T.TOPICS[topic_key].questions
    if topic_key in T.CONCERN_TOPICS and rng.random() < CONCERN:
        pool = T.CONCERNS
    return rng.choice(pool)


def _citizen(rng: random.Random, channel: Channel, topic_key: str) -> Citizen:
    if channel in WRITTEN_IN and topic_key in T.HOUSING_TOPICS and rng.random() < HOUSING_COMPANY:
        first = rng.choice(T.FIRST_NAMES)
        last = rng.choice(T.LAST_NAMES)
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@{HOUSING_DOMAIN}"
        return f"{first} {last}, Sjöstadshem", email, None
    p_name, p_email, p_phone = DETAILS[channel]
    first = rng.choice(T.FIRST_NAMES)
    last = rng.choice(T.LAST_NAMES)
    name = f"{first} {last}" if rng.random() < p_name else None
    email = None
    if rng.random() < p_email:
        local = (
            f"{ascii_slug(first)}.{ascii_slug(last)}"
            if name
            else f"{ascii_slug(first)}{rng.randint(1, 99)}"
        )
        email = f"{local}@{rng.choice(T.CITIZEN_DOMAINS)}"
    phone = None
    if rng.random() < p_phone:
        phone = rng.choice(T.PHONE_SERIES).format(rng.randint(5, 99))
    return name, email, phone


def _status_token_hash(rng: random.Random) -> str:
    """The stored hash of a status-link token drawn from the seed (the token itself is
    thrown away: nobody follows a demo ticket's link)."""
    return hash_token(rng.getrandbits(256).to_bytes(32, "big").hex())
