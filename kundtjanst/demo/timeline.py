"""A ticket's life on plain values, step by step, as `tickets.services` lives it.

The generator cannot call the real operations (one ticket at a time, with
flushes, is far too slow for 100,000 tickets), so `TicketSim` plays them on
plain values: each method changes the same fields and appends the same event as
its namesake in `kundtjanst.tickets.services`, and what it may do, what a step
does to the status and what makes it confidential it asks `core.lifecycle`, as
the services and the permissions do. Times are naive Europe/Stockholm wall-clock
times here; the generator converts them to UTC when it writes rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..core import lifecycle
from ..core.firstcontact import Entry, is_first_contact
from ..core.routing import RuleSpec
from ..core.vocabulary import Channel, EventKind, GroupKind, Outcome, Status
from .municipality import Municipality

# One timeline entry: kind, time, actor id, group id, body, data.
EventRow = tuple[EventKind, datetime, int | None, int | None, str | None, dict[str, Any]]


class TicketSim:
    """One ticket and its timeline, changed only through the operations below."""

    def __init__(self, org: Municipality, channel: Channel):
        self.org = org
        self.frontline_id = org.frontline_id
        self.channel = channel
        self.events: list[EventRow] = []
        self.group_id = org.frontline_id
        self.secrecy = lifecycle.Secrecy()
        self.claimed_by: int | None = None
        self.status = Status.OPEN
        self.priority: str = "normal"
        self.created_at: datetime | None = None
        self.group_entered_at: datetime | None = None
        self.first_response_at: datetime | None = None
        self.escalated_at: datetime | None = None
        self.resolved_at: datetime | None = None
        self.outcome: Outcome | None = None
        self.answered_by: GroupKind | None = None
        self.reopen_count = 0
        self.diarienummer: str | None = None
        self.referred_to: str | None = None
        self.received_group_id: int | None = None
        self.resolved_group_id: int | None = None
        self.resolved_by: int | None = None

    # -- helpers -------------------------------------------------------------

    def _record(
        self,
        kind: EventKind,
        at: datetime,
        actor: int | None,
        group: int | None,
        body: str | None = None,
        **data: Any,
    ) -> None:
        clean = {k: v for k, v in data.items() if v is not None}
        self.events.append((kind, at, actor, group, body, clean))

    def _enter(self, group: int) -> None:
        """As `tickets.secrecy.enter`: a confidential group makes it confidential."""
        self.secrecy = lifecycle.secrecy_entering(
            self.secrecy, group=group, group_confidential=self.org.confidential[group]
        )

    def _file_under(self, category: int | None) -> None:
        """As `tickets.secrecy.file_under`: so does a confidential subject area."""
        if category is None:
            return
        usual = self.org.category_group.get(category)
        self.secrecy = lifecycle.secrecy_filed(
            self.secrecy,
            category_confidential=self.org.category_confidential[category],
            default_group=usual,
            default_group_confidential=usual is not None and self.org.confidential[usual],
        )

    def _move(self, group: int, at: datetime) -> None:
        self.group_id = group
        self._enter(group)
        self.claimed_by = None
        self.status = Status.OPEN
        self.group_entered_at = at

    @property
    def stage(self) -> GroupKind:
        """The kind of group holding the ticket."""
        return self.org.kinds[self.group_id]

    def _member(self, user: int | None) -> bool:
        return user in self.org.members[self.group_id]

    def _may_work(self, actor: int) -> bool:
        return lifecycle.may_work(
            member=self._member(actor),
            kind=self.stage,
            status=self.status,
            claimant=self.claimed_by,
            user=actor,
        )

    def _back_in_play(self) -> None:
        """Reopened, or the citizen answered: as `services._back_in_play`."""
        kept = lifecycle.keeps_claim(
            claimed=self.claimed_by is not None,
            claimant_active=True,  # demo users are never deactivated
            claimant_member=self._member(self.claimed_by),
        )
        if not kept:
            self.claimed_by = None
        self.status = lifecycle.status_back_in_play(kept)

    # -- the operations --------------------------------------------------------

    def create(
        self,
        at: datetime,
        actor: int | None,
        rule: RuleSpec | None,
        priority: str,
        rule_name: str,
        category: int | None = None,
    ) -> None:
        group = rule.group_id if rule else self.frontline_id
        self.priority = rule.priority if rule and rule.priority else priority
        self.created_at = at
        self.group_entered_at = at
        self.group_id = group
        self.received_group_id = group
        self._enter(group)
        self._file_under(category)
        self._record(
            EventKind.CREATED, at, actor, self.frontline_id, None, channel=self.channel.value
        )
        if rule is not None and group != self.frontline_id:
            self._record(EventKind.ROUTED, at, None, group, None, rule_id=rule.id, rule=rule_name)

    def escalate(self, at: datetime, actor: int, group: int, note: str | None = None) -> None:
        assert self.stage == GroupKind.FRONTLINE and self._may_work(actor)
        assert self.org.kinds[group] == GroupKind.ANSWER
        self._move(group, at)
        self.escalated_at = self.escalated_at or at
        self._record(EventKind.ESCALATED, at, actor, group, note)

    def transfer(self, at: datetime, actor: int, group: int, note: str | None = None) -> None:
        assert group != self.group_id and self._may_work(actor)
        from_group = self.group_id
        self._move(group, at)
        if self.stage == GroupKind.ANSWER:
            self.escalated_at = self.escalated_at or at
        self._record(EventKind.TRANSFERRED, at, actor, group, note, from_group_id=from_group)

    def claim(self, at: datetime, actor: int) -> None:
        assert lifecycle.may_claim(member=self._member(actor), kind=self.stage)
        assert lifecycle.claimable(status=self.status, claimed=self.claimed_by is not None)
        self.claimed_by = actor
        self.status = Status.CLAIMED
        self._record(EventKind.CLAIMED, at, actor, self.group_id)

    def release(self, at: datetime, actor: int, note: str | None = None) -> None:
        assert lifecycle.may_release(
            member=self._member(actor), status=self.status, claimant=self.claimed_by, user=actor
        )
        self.claimed_by = None
        self.status = Status.OPEN
        self._record(EventKind.RELEASED, at, actor, self.group_id, note)

    def note(self, at: datetime, actor: int, body: str) -> None:
        self._record(EventKind.NOTE, at, actor, self.group_id, body)

    def _reply(self, at: datetime, actor: int, body: str) -> None:
        self._record(EventKind.REPLY, at, actor, self.group_id, body)
        self.first_response_at = self.first_response_at or at

    def reply(self, at: datetime, actor: int, body: str) -> None:
        assert self._may_work(actor)
        self._reply(at, actor, body)
        self.status = Status.WAITING

    def resolve(
        self,
        at: datetime,
        actor: int,
        outcome: Outcome,
        *,
        reply_body: str | None = None,
        during_contact: bool = False,
        diarienummer: str | None = None,
        referred_to: str | None = None,
        note: str | None = None,
    ) -> None:
        assert self._may_work(actor)
        if reply_body:
            self._reply(at, actor, reply_body)
        during_contact = lifecycle.answered_during_contact(self.channel, during_contact)
        diarienummer, referred_to = lifecycle.outcome_details(outcome, diarienummer, referred_to)
        stage = self.stage
        self._record(
            EventKind.RESOLVED,
            at,
            actor,
            self.group_id,
            note,
            outcome=outcome.value,
            stage=stage.value,
            during_contact=during_contact,
            diarienummer=diarienummer,
            referred_to=referred_to,
        )
        self.status = Status.RESOLVED
        self.resolved_at = at
        self.outcome = outcome
        self.answered_by = stage
        self.resolved_group_id = self.group_id
        self.resolved_by = actor
        self.diarienummer = diarienummer
        self.referred_to = referred_to
        if during_contact:
            self.first_response_at = self.first_response_at or at

    def reopen(self, at: datetime, actor: int | None, reason: str | None = None) -> None:
        assert self.status == Status.RESOLVED
        self._record(EventKind.REOPENED, at, actor, self.group_id, reason)
        self._enter(self.group_id)
        self._back_in_play()
        self.resolved_at = None
        self.outcome = None
        self.answered_by = None
        self.resolved_group_id = None
        self.reopen_count += 1

    def citizen_message(self, at: datetime, body: str) -> None:
        self._record(EventKind.CITIZEN_MESSAGE, at, None, self.group_id, body)
        if self.status == Status.RESOLVED:
            self.reopen(at, None)
        elif self.status == Status.WAITING:
            self._back_in_play()

    # -- the verdict -----------------------------------------------------------

    def first_contact(self) -> bool | None:
        """The real rule, applied to the timeline built here."""
        if self.status != Status.RESOLVED:
            return None
        entries = [Entry(kind=kind, data=data) for kind, _, _, _, _, data in self.events]
        return is_first_contact(self.channel, entries)
