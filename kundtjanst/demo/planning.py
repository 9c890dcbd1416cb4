"""How a demo ticket goes: the steps planned for it after it was created.

`Planner` draws a ticket's course from the scenario mix below — withdrawn,
answered by kundtjänst (during the call or later), escalated to a svarsgrupp
(live or in its queue), transferred, released, answered with a question first,
the citizen coming back — as a list of steps with increasing times, each an
operation of `TicketSim` with its arguments. Times are naive Europe/Stockholm
wall-clock times; work is done in office time.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from typing import Any

from ..core.vocabulary import Channel, Outcome
from . import topics as T
from .contact import Contact
from .municipality import FALLBACK_GROUP, Municipality
from .officetime import OfficeCalendar, awake

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

# One planned step: when, the `TicketSim` operation, and its arguments.
Step = tuple[datetime, str, dict[str, Any]]


class Planner:
    """Plans tickets for one municipality from one random stream."""

    def __init__(self, org: Municipality, rng: random.Random, calendar: OfficeCalendar):
        self.org = org
        self.rng = rng
        self.calendar = calendar

    def plan(self, c: Contact, group: int) -> list[Step]:
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

    def _kundtjanst_answers(self, steps: list[Step], c: Contact) -> None:
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
        self, steps: list[Step], c: Contact, at: datetime, group: int, live: bool
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

    def _outcome(self, c: Contact, svarsgrupp: bool) -> dict[str, Any]:
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

    def _answered(self, c: Contact, again: bool = False) -> dict[str, Any]:
        answer = c.question.answer.format_map(c.slots)
        if again:
            answer = f"{self.rng.choice(T.ANSWER_AGAIN)} {answer}"
            letter = self._letter(answer, "Hej igen!")
        else:
            letter = self._letter(answer)
        return {"outcome": Outcome.ANSWERED, "body": letter, "note": answer}

    @staticmethod
    def _resolve_step(
        c: Contact, at: datetime, actor: int, o: dict[str, Any], *, live: bool
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

    def _comes_back(
        self, steps: list[Step], c: Contact, at: datetime, actor: int, live: bool
    ) -> None:
        """The citizen writes or calls again after the answer; it is answered again."""
        later = self._citizen_later(at)
        body = self.rng.choice(T.COME_BACK).format_map(c.slots)
        steps.append((later, "citizen_message", {"body": body}))
        if live:
            again = later + self._call(2, 8)
        else:
            again = self.calendar.add_work(later, self._minutes(120, 1.0, 1500))
        steps.append(self._resolve_step(c, again, actor, self._answered(c, again=True), live=live))

    def _ask_for_details(self, steps: list[Step], c: Contact, at: datetime, actor: int) -> datetime:
        """Ask the citizen for details; return when their answer has been read."""
        question, answer = self.rng.choice(T.CLARIFY)
        steps.append((at, "reply", {"actor": actor, "body": question}))
        later = self._citizen_later(at)
        steps.append((later, "citizen_message", {"body": answer.format_map(c.slots)}))
        return self.calendar.add_work(later, self._minutes(120, 1.0, 1275))

    def _minutes(self, median: float, sigma: float, cap: float) -> float:
        return min(self.rng.lognormvariate(math.log(median), sigma), cap)

    def _call(self, low: float, high: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(low, high) * 60))

    def _citizen_later(self, at: datetime) -> datetime:
        return awake(at + timedelta(minutes=self._minutes(6 * 60, 1.0, 4 * 24 * 60)))

    @staticmethod
    def _letter(body: str, greeting: str = "Hej!") -> str:
        return f"{greeting}\n\n{body}\n\nVänliga hälsningar\nSjöstads kommun"
