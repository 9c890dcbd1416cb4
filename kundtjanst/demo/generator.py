"""Planning demo tickets: when a question came, what it was, and how it went.

`TicketGenerator` draws every ticket from one `random.Random`, so a seed gives
the same tickets every time (for the same "now"). A ticket is planned as a
list of steps — escalate, claim, reply, resolve … with increasing times — and
the steps that have happened by "now" (or before the ticket was left lying,
for the recent backlog) are played on a `TicketSim`, which keeps the ticket's
fields and timeline in step exactly as the real operations do.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from ..core.routing import TicketFacts, first_match
from ..core.timeutil import STOCKHOLM
from ..core.vocabulary import Channel, GroupKind, Outcome, Status
from ..core.workingtime import DEFAULT_HOURS, Calendar
from . import topics as T
from .municipality import FALLBACK_GROUP, HOUSING_DOMAIN, Municipality, ascii_slug
from .officetime import MIDNIGHT, OfficeCalendar, awake
from .timeline import TicketSim

# How questions arrive. Phone dominates, as in every Swedish contact centre.
CHANNEL_WEIGHTS = {
    Channel.PHONE: 44,
    Channel.EMAIL: 20,
    Channel.WEB: 17,
    Channel.VISIT: 7,
    Channel.CHAT: 7,
    Channel.LETTER: 5,
}
# Fewer questions in July and at Christmas; Mondays are the busiest day.
MONTH_VOLUME = (1.1, 1.05, 1.05, 1.1, 1.05, 0.95, 0.6, 1.1, 1.05, 1.0, 1.0, 0.85)
WEEKDAY_VOLUME = (1.25, 1.1, 1.0, 0.95, 0.8, 0.3, 0.25)  # web and e-mail only at weekends
# Half-hour slots of the day: (first minute, last minute, weights).
PHONE_HOURS = (  # the phone is answered in office hours
    DEFAULT_HOURS.opens,
    DEFAULT_HOURS.closes,
    (6, 10, 12, 12, 11, 10, 8, 6, 7, 9, 9, 8, 7, 6, 5, 4, 3),
)
CHAT_HOURS = (8 * 60, 16 * 60, (4, 7, 9, 9, 9, 8, 7, 6, 6, 8, 8, 7, 6, 5, 4, 3))
VISIT_HOURS = (9 * 60, 16 * 60, (5, 8, 9, 9, 8, 6, 6, 8, 8, 7, 6, 5, 4, 3))
LETTER_HOURS = (8 * 60, 12 * 60, (1,) * 8)
ONLINE_HOURS = (  # e-mail and the web form: any time from six in the morning
    6 * 60,
    24 * 60,
    tuple(w for w in (1, 2, 4, 7, 8, 8, 7, 7, 8, 7, 6, 5, 5, 6, 6, 5, 4, 2) for _ in range(2)),
)
SLOT_MINUTES = 30

# The scenario mix, tuned so that about 70 % of the resolved, not withdrawn
# tickets count as answered at first contact (the product's target).
WITHDRAWN = {
    Channel.PHONE: 0.015,
    Channel.VISIT: 0.005,
    Channel.CHAT: 0.04,
    Channel.EMAIL: 0.06,
    Channel.WEB: 0.05,
    Channel.LETTER: 0.03,
}
KT_ANSWERS_DURING_CONTACT = 0.9  # otherwise the agent calls back
KT_FORWARDS = 0.015
ASYNC_ONE_REPLY = 0.82  # otherwise kundtjänst first asks for details
COMES_BACK = 0.04  # the citizen gets back in touch after the answer
LIVE_TRANSFER = 0.35  # a synchronous contact passed live to a svarsgrupp member
TRANSFERRED = 0.06
RELEASED = 0.04
WORK_NOTE = 0.25
SG_ONE_REPLY = 0.86
HIGH_PRIORITY_TOPICS = frozenset({"va", "gator", "snorojning", "parker"})


WAIT = timedelta(minutes=30)  # a pause in a timeline where a ticket can be left lying


def _left_lying(age_days: float, sim: TicketSim) -> float:
    """How likely a ticket this old is still waiting where it waits now.

    Kundtjänst works its inbox within a day or two; citizens take their time to
    answer; a svarsgrupp queue holds a few weeks of backlog.
    """
    if sim.status == Status.WAITING:
        limits = ((14, 0.6), (30, 0.25), (90, 0.02))
    elif sim.stage == GroupKind.FRONTLINE:
        limits = ((2, 0.6), (5, 0.2), (90, 0.004))
    else:
        limits = ((10, 0.85), (30, 0.55), (60, 0.2), (180, 0.03))
    for days, chance in limits:
        if age_days < days:
            return chance
    return 0.0


Step = tuple[datetime, str, dict[str, Any]]


@dataclass
class _Contact:
    """What is known when a ticket is created."""

    created: datetime
    channel: Channel
    topic_key: str
    topic: T.Topic
    category_id: int
    question: T.Q
    slots: _Slots
    agent: int  # the kundtjänst agent at the desk or the phone


class _Slots(dict):
    """Placeholder values, drawn the first time a text asks for them."""

    def __init__(self, rng: random.Random):
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = self[key] = self.rng.choice(T.SLOTS[key])
        return value


def _weighted(items: Sequence, weights: Sequence[float]) -> tuple[list, list[float]]:
    return list(items), list(accumulate(weights))


class TicketGenerator:
    """Plans and plays tickets for one municipality, one random stream, one "now"."""

    def __init__(
        self,
        org: Municipality,
        rng: random.Random,
        now: datetime,
        calendar: Calendar,
        days: int = 365,
    ):
        self.org = org
        self.rng = rng
        self.now = now.astimezone(STOCKHOLM).replace(tzinfo=None, microsecond=0)
        self.start = self.now - timedelta(days=days)
        self.calendar = OfficeCalendar(calendar)
        self._prepare_weights()

    # -- when and what ------------------------------------------------------------

    def _prepare_weights(self) -> None:
        days = [
            self.start.date() + timedelta(days=i)
            for i in range((self.now.date() - self.start.date()).days + 1)
        ]
        office = [d for d in days if self.calendar.is_workday(d)]
        self.office_days = _weighted(
            office, [MONTH_VOLUME[d.month - 1] * WEEKDAY_VOLUME[d.weekday()] for d in office]
        )
        self.any_days = _weighted(
            days,
            [
                MONTH_VOLUME[d.month - 1]
                * WEEKDAY_VOLUME[d.weekday()]
                * (1.0 if self.calendar.is_workday(d) or d.weekday() >= 5 else 0.3)
                for d in days
            ],
        )
        self.channels = _weighted(CHANNEL_WEIGHTS, CHANNEL_WEIGHTS.values())
        keys = [k for k in T.TOPICS if k in self.org.category_ids]
        self.topics_by_month = [
            _weighted(keys, [T.TOPICS[k].weight * T.TOPICS[k].season[m] for k in keys])
            for m in range(12)
        ]
        self.hours = {
            Channel.PHONE: self._slots(PHONE_HOURS),
            Channel.CHAT: self._slots(CHAT_HOURS),
            Channel.VISIT: self._slots(VISIT_HOURS),
            Channel.LETTER: self._slots(LETTER_HOURS),
            Channel.EMAIL: self._slots(ONLINE_HOURS),
            Channel.WEB: self._slots(ONLINE_HOURS),
        }

    @staticmethod
    def _slots(spec: tuple[int, int, tuple[int, ...]]) -> tuple[list[int], list[float]]:
        first, last, weights = spec
        starts = list(range(first, last, SLOT_MINUTES))
        assert len(starts) == len(weights), spec
        return _weighted(starts, weights)

    def _pick(self, weighted: tuple[list, list[float]]):
        items, cum = weighted
        return self.rng.choices(items, cum_weights=cum)[0]

    def arrival(self) -> tuple[datetime, Channel]:
        """When a question came in, and how."""
        channel = self._pick(self.channels)
        days = self.any_days if channel in (Channel.EMAIL, Channel.WEB) else self.office_days
        while True:
            day = self._pick(days)
            minute = self._pick(self.hours[channel]) + self.rng.random() * SLOT_MINUTES
            at = datetime.combine(day, MIDNIGHT) + timedelta(seconds=int(minute * 60))
            if self.start <= at < self.now:
                return at, channel

    # -- who asked, and what --------------------------------------------------------

    def _citizen(
        self, channel: Channel, topic_key: str
    ) -> tuple[str | None, str | None, str | None]:
        rng = self.rng
        if (
            channel in (Channel.EMAIL, Channel.WEB)
            and topic_key in T.HOUSING_TOPICS
            and rng.random() < 0.12
        ):
            first = rng.choice(T.FIRST_NAMES)
            last = rng.choice(T.LAST_NAMES)
            email = f"{ascii_slug(first)}.{ascii_slug(last)}@{HOUSING_DOMAIN}"
            return f"{first} {last}, Sjöstadshem", email, None
        p_name, p_email, p_phone = {
            Channel.PHONE: (0.6, 0.1, 0.75),
            Channel.EMAIL: (0.8, 1.0, 0.15),
            Channel.WEB: (0.7, 0.85, 0.3),
            Channel.CHAT: (0.4, 0.3, 0.1),
            Channel.VISIT: (0.5, 0.05, 0.3),
            Channel.LETTER: (0.95, 0.0, 0.3),
        }[channel]
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

    def _question(self, topic_key: str) -> T.Q:
        pool = T.TOPICS[topic_key].questions
        if topic_key in T.CONCERN_TOPICS and self.rng.random() < 0.05:
            pool = T.CONCERNS
        return self.rng.choice(pool)

    # -- how it went ------------------------------------------------------------------

    def _minutes(self, median: float, sigma: float, cap: float) -> float:
        return min(self.rng.lognormvariate(math.log(median), sigma), cap)

    def _call(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(low, high) * 60))

    def _citizen_later(self, at: datetime) -> datetime:
        return awake(at + timedelta(minutes=self._minutes(6 * 60, 1.0, 4 * 24 * 60)))

    @staticmethod
    def _letter(body: str, greeting: str = "Hej!") -> str:
        return f"{greeting}\n\n{body}\n\nVänliga hälsningar\nSjöstads kommun"

    def _answered(self, c: _Contact, again: bool = False) -> dict[str, Any]:
        answer = c.question.answer.format_map(c.slots)
        if again:
            answer = f"{self.rng.choice(T.ANSWER_AGAIN)} {answer}"
            letter = self._letter(answer, "Hej igen!")
        else:
            letter = self._letter(answer)
        return {"outcome": Outcome.ANSWERED, "body": letter, "note": answer}

    def _outcome(self, c: _Contact, svarsgrupp: bool) -> dict[str, Any]:
        """How a (not withdrawn) resolution goes: outcome, particulars, the reply to send
        and the note to keep when the answer was given during the contact."""
        rng = self.rng
        forward = c.topic.forward if svarsgrupp else KT_FORWARDS
        refer = c.topic.refer * (0.5 if svarsgrupp else 1.0)
        r = rng.random()
        if r < forward:
            board = T.BOARDS[c.topic.board]
            if rng.random() < 0.85:
                dnr = f"{c.created.year}/{rng.randint(1, 1800)}-{c.topic.board}"
                body = T.FORWARD_REPLY.format(board=board, dnr=dnr)
                note = f"Registrerat som ärende hos {board}, dnr {dnr}."
            else:
                dnr = None
                body = T.FORWARD_REPLY_NO_DNR
                note = f"Lämnat till handläggare hos {board}."
            return {
                "outcome": Outcome.FORWARDED,
                "diarienummer": dnr,
                "body": self._letter(body),
                "note": note,
            }
        if r < forward + refer:
            target = rng.choice(c.topic.refer_to or T.REFER_DEFAULT)
            return {
                "outcome": Outcome.REFERRED,
                "referred_to": target,
                "body": self._letter(T.REFER_REPLY.format(target=target)),
                "note": f"Hänvisade till {target}.",
            }
        return self._answered(c)

    @staticmethod
    def _resolve_step(
        c: _Contact, at: datetime, actor: int, o: dict[str, Any], *, live: bool
    ) -> Step:
        kwargs: dict[str, Any] = {
            "actor": actor,
            "outcome": o["outcome"],
            "diarienummer": o.get("diarienummer"),
            "referred_to": o.get("referred_to"),
        }
        if live:  # said on the phone or at the desk: a note records it
            kwargs["during_contact"] = True
            kwargs["note"] = o["note"]
        elif c.channel.synchronous:  # a call back
            kwargs["reply_body"] = f"Ringde upp: {o['note']}"
        else:
            kwargs["reply_body"] = o["body"]
        return at, "resolve", kwargs

    def _comes_back(self, steps: list[Step], c: _Contact, at: datetime, actor: int, live: bool):
        """The citizen writes or calls again after the answer; it is answered again."""
        later = self._citizen_later(at)
        body = self.rng.choice(T.COME_BACK).format_map(c.slots)
        steps.append((later, "citizen_message", {"body": body}))
        if live:
            again = later + self._call(2, 8)
        else:
            again = self.calendar.add_work(later, self._minutes(120, 1.0, 1500))
        steps.append(self._resolve_step(c, again, actor, self._answered(c, again=True), live=live))

    def _ask_for_details(
        self, steps: list[Step], c: _Contact, at: datetime, actor: int
    ) -> datetime:
        """Ask the citizen for details; return when their answer has been read."""
        question, answer = self.rng.choice(T.CLARIFY)
        steps.append((at, "reply", {"actor": actor, "body": question}))
        later = self._citizen_later(at)
        steps.append((later, "citizen_message", {"body": answer.format_map(c.slots)}))
        return self.calendar.add_work(later, self._minutes(120, 1.0, 1275))

    def plan(self, c: _Contact, group: int) -> list[Step]:
        """Everything that will happen to the ticket after it was created."""
        rng = self.rng
        org = self.org
        sync = c.channel.synchronous
        steps: list[Step] = []
        at = c.created
        frontline = group == org.frontline_id

        if rng.random() < WITHDRAWN[c.channel]:
            if sync:
                at += self._call(0.5, 3)
            else:
                at = self.calendar.add_work(at, self._minutes(120, 1.0, 1500))
            kind = "sync" if sync else "async"
            if frontline:
                actor = c.agent if sync else rng.choice(org.agents)
            else:
                actor = rng.choice(org.members[group])
                steps.append((at, "claim", {"actor": actor}))
            note = rng.choice(T.WITHDRAWN_NOTES[kind])
            steps.append(
                (at, "resolve", {"actor": actor, "outcome": Outcome.WITHDRAWN, "note": note})
            )
            return steps

        if frontline:
            if rng.random() < c.topic.kt_rate:
                self._kundtjanst_answers(steps, c)
                return steps
            target = org.category_group.get(c.category_id) or org.group_ids[FALLBACK_GROUP]
            live = sync and rng.random() < LIVE_TRANSFER
            if sync:
                at += self._call(2, 6)
                agent = c.agent
            else:
                at = self.calendar.add_work(at, self._minutes(150, 1.0, 1275))
                agent = rng.choice(org.agents)
            if live:
                note = rng.choice(T.LIVE_NOTES)
            else:
                note = rng.choice(T.CALL_ESCALATION_NOTES if sync else T.ESCALATION_NOTES)
            steps.append((at, "escalate", {"actor": agent, "group": target, "note": note}))
            group = target
        else:
            live = sync and rng.random() < LIVE_TRANSFER
        self._svarsgrupp_answers(steps, c, at, group, live)
        return steps

    def _kundtjanst_answers(self, steps: list[Step], c: _Contact) -> None:
        rng = self.rng
        if c.channel.synchronous:
            agent = c.agent
            end = c.created + self._call(2, 12)
            o = self._outcome(c, svarsgrupp=False)
            if rng.random() < KT_ANSWERS_DURING_CONTACT:
                steps.append(self._resolve_step(c, end, agent, o, live=True))
                if rng.random() < COMES_BACK:
                    self._comes_back(steps, c, end, agent, live=True)
            else:
                steps.append((end, "note", {"actor": agent, "body": rng.choice(T.CALLBACK_NOTES)}))
                back = self.calendar.add_work(end, self._minutes(90, 0.8, 600))
                steps.append(self._resolve_step(c, back, agent, o, live=False))
            return
        agent = rng.choice(self.org.agents)
        at = self.calendar.add_work(c.created, self._minutes(150, 1.0, 1275))
        if rng.random() < ASYNC_ONE_REPLY:
            o = self._outcome(c, svarsgrupp=False)
            steps.append(self._resolve_step(c, at, agent, o, live=False))
            if rng.random() < COMES_BACK:
                self._comes_back(steps, c, at, agent, live=False)
            return
        at = self._ask_for_details(steps, c, at, agent)
        steps.append(
            self._resolve_step(c, at, agent, self._outcome(c, svarsgrupp=False), live=False)
        )

    def _svarsgrupp_answers(
        self, steps: list[Step], c: _Contact, at: datetime, group: int, live: bool
    ) -> None:
        rng = self.rng
        org = self.org
        work = self.calendar.add_work
        member = rng.choice(org.members[group])
        if live:
            at += self._call(0.5, 3)
            steps.append((at, "claim", {"actor": member}))
            o = self._outcome(c, svarsgrupp=True)
            steps.append(self._resolve_step(c, at + self._call(4, 15), member, o, live=True))
            return

        at = work(at, self._minutes(240, 1.0, 2500))
        if rng.random() < TRANSFERRED:
            steps.append((at, "claim", {"actor": member}))
            at += self._call(5, 40)
            group = rng.choice([g for g in org.open_group_ids if g != group])
            note = rng.choice(T.TRANSFER_NOTES)
            steps.append((at, "transfer", {"actor": member, "group": group, "note": note}))
            member = rng.choice(org.members[group])
            at = work(at, self._minutes(240, 1.0, 2500))
        if rng.random() < RELEASED:
            steps.append((at, "claim", {"actor": member}))
            at = work(at, self._minutes(180, 1.0, 1000))
            steps.append((at, "release", {"actor": member, "note": rng.choice(T.RELEASE_NOTES)}))
            member = rng.choice(org.members[group])
            at = work(at, self._minutes(120, 1.0, 1000))
        steps.append((at, "claim", {"actor": member}))
        if rng.random() < WORK_NOTE:
            at = work(at, self._minutes(30, 1.0, 400))
            steps.append((at, "note", {"actor": member, "body": rng.choice(T.WORK_NOTES)}))
        at = work(at, self._minutes(60, 1.2, 2000))
        o = self._outcome(c, svarsgrupp=True)
        if o["outcome"] == Outcome.FORWARDED or c.channel.synchronous:
            steps.append(self._resolve_step(c, at, member, o, live=False))
            return
        if rng.random() < SG_ONE_REPLY:
            steps.append(self._resolve_step(c, at, member, o, live=False))
            if rng.random() < COMES_BACK:
                self._comes_back(steps, c, at, member, live=False)
            return
        at = self._ask_for_details(steps, c, at, member)
        steps.append(self._resolve_step(c, at, member, o, live=False))

    def _play(self, sim: TicketSim, created: datetime, steps: list[Step]) -> None:
        """Play the steps that have happened: those before now, and before the ticket
        was left lying somewhere (the backlog of recent tickets)."""
        age = (self.now - created).total_seconds() / 86400
        before = created
        for at, op, kwargs in steps:
            if at > self.now:
                return
            if at - before > WAIT and self.rng.random() < _left_lying(age, sim):
                return
            getattr(sim, op)(at, **kwargs)
            before = at

    # -- one ticket -------------------------------------------------------------------

    def ticket(self, created: datetime, channel: Channel) -> tuple[TicketSim, dict[str, Any]]:
        """Plan and play one ticket; return its simulation and its other columns."""
        rng = self.rng
        org = self.org
        topic_key = self._pick(self.topics_by_month[created.month - 1])
        topic = T.TOPICS[topic_key]
        category_id = org.category_ids[topic_key]
        slots = _Slots(rng)
        question = self._question(topic_key)
        subject = question.subject.format_map(slots)
        description = question.description.format_map(slots)
        name, email, phone = self._citizen(channel, topic_key)
        agent = rng.choice(org.agents)
        at_desk = channel not in (Channel.EMAIL, Channel.WEB)
        priority = "high" if topic_key in HIGH_PRIORITY_TOPICS and rng.random() < 0.05 else "normal"
        token_hash = None
        if channel == Channel.WEB:
            token = rng.getrandbits(256).to_bytes(32, "big").hex()
            token_hash = hashlib.sha256(token.encode()).hexdigest()

        facts = TicketFacts(
            channel=channel.value,
            category_id=category_id,
            subject=subject,
            description=description,
            citizen_email=email,
        )
        rule = first_match(org.rules, facts)
        sim = TicketSim(org, channel)
        sim.create(
            created,
            agent if at_desk else None,
            rule,
            priority,
            org.rule_names.get(rule.id, "") if rule else "",
        )
        contact = _Contact(created, channel, topic_key, topic, category_id, question, slots, agent)
        steps = self.plan(contact, sim.group_id)
        self._play(sim, created, steps)
        columns = {
            "channel": channel.value,
            "subject": subject,
            "description": description,
            "category_id": category_id,
            "citizen_name": name,
            "citizen_email": email,
            "citizen_phone": phone,
            "status_token_hash": token_hash,
            "created_by_id": agent if at_desk else None,
        }
        return sim, columns
