"""Operations on tickets: create, route, escalate, claim, reply, resolve, reopen …

Each function takes objects and data, changes the ticket, appends to its
timeline and flushes. None of them commits: the request (or command) that
calls them commits once, or rolls everything back.

An operation the ticket's state does not allow raises `errors.TicketError`, whose
message is shown to the user as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import update

from .. import locales
from ..audit import services as audit
from ..core import lifecycle, phone
from ..core.firstcontact import is_first_contact
from ..core.routing import TicketFacts
from ..core.statistics import WORKING_DAY_MINUTES
from ..core.timeutil import local, utcnow
from ..core.vocabulary import (
    Channel,
    EventKind,
    GroupKind,
    Outcome,
    Priority,
    Status,
)
from ..core.workingtime import working_time_between
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Category, Group
from ..org.queries import reachable_group
from ..routing.services import route
from ..worktime.queries import current_calendar
from . import secrecy, sla
from .errors import TicketError
from .models import Event, Ticket
from .references import next_reference
from .signals import answered, first_contact_changed, question_received
from .timeline import record, timeline_entries
from .tokens import new_status_token

if TYPE_CHECKING:
    from ..auth.models import User


@dataclass
class Contact:
    """A new question, whatever the channel."""

    channel: Channel
    subject: str
    description: str = ""
    category: Category | None = None
    citizen_name: str | None = None
    citizen_email: str | None = None
    citizen_phone: str | None = None
    priority: Priority = Priority.NORMAL
    # When the municipality received it (a mail's arrival in the mailbox); else now.
    received_at: datetime | None = None
    # The citizen's Message-ID when the question came by e-mail (threads our answers).
    message_id: str | None = None
    language: str | None = None  # the citizen's, one of CITIZEN_LANGUAGES; None: Swedish


def facts(contact: Contact) -> TicketFacts:
    """What routing looks at in a new question."""
    return TicketFacts(
        channel=contact.channel,
        category_id=contact.category.id if contact.category else None,
        subject=contact.subject,
        description=contact.description,
        citizen_email=contact.citizen_email,
        language=locales.ticket_language(contact.language),
    )


def create_ticket(
    contact: Contact,
    *,
    actor: User | None = None,
    apply_routing: bool = True,
    status_link: bool = False,
) -> tuple[Ticket, str | None]:
    """Register a new question. Returns the ticket and, if asked for, the
    status-link token (only its hash is stored). A ticket with a status link and an
    e-mail address gets its receipt by mail (``question_received``)."""
    now = contact.received_at or utcnow()
    frontline = Group.frontline()
    rule = route(facts(contact)) if apply_routing else None
    group = rule.group if rule else frontline
    priority = Priority(rule.priority) if rule and rule.priority else contact.priority

    ticket = Ticket(
        reference=next_reference(local(now).year),
        channel=contact.channel,
        subject=contact.subject,
        description=contact.description,
        category=contact.category,
        group=group,
        received_group_id=group.id,
        status=Status.OPEN,
        priority=priority,
        citizen_name=contact.citizen_name or None,
        citizen_email=(contact.citizen_email or "").strip().lower() or None,
        citizen_phone=contact.citizen_phone or None,
        citizen_phone_e164=phone.normalise(contact.citizen_phone),
        created_at=now,
        group_entered_at=now,
        last_activity_at=now,
        created_by=actor,
        mail_root_id=contact.message_id,
        mail_last_id=contact.message_id,
        language=locales.ticket_language(contact.language),
    )
    secrecy.enter(ticket, group)
    secrecy.file_under(ticket, contact.category)
    sla.start_stage(ticket, now)
    token = None
    if status_link:
        token, ticket.status_token_hash = new_status_token()
    db.session.add(ticket)
    db.session.flush()
    record(ticket, EventKind.CREATED, actor, group=frontline, at=now, channel=contact.channel)
    if rule is not None and group.id != frontline.id:
        record(ticket, EventKind.ROUTED, None, group=group, at=now, rule_id=rule.id, rule=rule.name)
    db.session.flush()
    if token is not None:
        question_received.send(ticket, status_token=token)
    return ticket, token


def _require_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise TicketError(_l("The ticket is closed."))


def _move(ticket: Ticket, group: Group, now: datetime) -> None:
    sla.end_stage(ticket, now)
    ticket.group = group
    secrecy.enter(ticket, group)  # it stays confidential when it leaves a confidential group
    ticket.claimed_by = None
    ticket.status = Status.OPEN
    ticket.group_entered_at = now
    sla.start_stage(ticket, now)


def escalate(ticket: Ticket, actor: User, group: Group, note: str | None = None) -> None:
    """Hand a kundtjänst ticket to a svarsgrupp, with a note for its members."""
    _require_open(ticket)
    if not ticket.group.is_frontline:
        raise TicketError(
            _l("Only tickets in customer service can be escalated; transfer it instead.")
        )
    if group.kind != GroupKind.ANSWER or not group.active:
        raise TicketError(_l("Choose an active answer group."))
    now = utcnow()
    _move(ticket, group, now)
    ticket.escalated_at = ticket.escalated_at or now
    record(ticket, EventKind.ESCALATED, actor, body=note or None, group=group, at=now)
    db.session.flush()


def transfer(ticket: Ticket, actor: User, group: Group, note: str | None = None) -> None:
    """Move a ticket from one svarsgrupp to another group (or back to kundtjänst)."""
    _require_open(ticket)
    if group.id == ticket.group_id or not group.active:
        raise TicketError(_l("Choose another active group."))
    now = utcnow()
    from_group_id = ticket.group_id
    _move(ticket, group, now)
    if group.kind == GroupKind.ANSWER:
        ticket.escalated_at = ticket.escalated_at or now
    record(
        ticket,
        EventKind.TRANSFERRED,
        actor,
        body=note or None,
        group=group,
        at=now,
        from_group_id=from_group_id,
    )
    db.session.flush()


def claim(ticket: Ticket, actor: User) -> None:
    """Take an unclaimed ticket from a svarsgrupp queue.

    One conditional UPDATE decides: of simultaneous claims exactly one changes
    the row, and the others are told someone else was first.
    """
    if ticket.group.is_frontline:
        raise TicketError(_l("Customer service tickets are not claimed."))
    result = db.session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket.id,
            Ticket.group_id == ticket.group_id,
            Ticket.status == Status.OPEN,
            Ticket.claimed_by_id.is_(None),
        )
        .values(claimed_by_id=actor.id, status=Status.CLAIMED, version=Ticket.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(ticket)
        if not ticket.is_open:
            raise TicketError(_l("The ticket is closed."))
        if ticket.claimed_by_id == actor.id:
            raise TicketError(_l("You have already claimed this ticket."))
        raise TicketError(_l("Someone else has already claimed this ticket."))
    db.session.refresh(ticket)
    record(ticket, EventKind.CLAIMED, actor, group=ticket.group)
    db.session.flush()


def release(ticket: Ticket, actor: User, note: str | None = None) -> None:
    """Put a claimed ticket back in its group's queue."""
    _require_open(ticket)
    if ticket.claimed_by_id != actor.id:
        raise TicketError(_l("Only the person who claimed the ticket can release it."))
    ticket.claimed_by = None
    ticket.status = Status.OPEN
    record(ticket, EventKind.RELEASED, actor, body=note or None, group=ticket.group)
    db.session.flush()


def add_note(ticket: Ticket, actor: User | None, body: str) -> Event:
    """An internal note: staff only, never shown to the citizen."""
    entry = record(ticket, EventKind.NOTE, actor, body=body, group=ticket.group)
    db.session.flush()
    return entry


def _reply(ticket: Ticket, actor: User, body: str, now: datetime) -> None:
    record(ticket, EventKind.REPLY, actor, body=body, group=ticket.group, at=now)
    ticket.first_response_at = ticket.first_response_at or now


def reply(ticket: Ticket, actor: User, body: str) -> None:
    """Answer the citizen and keep the ticket open, waiting for them."""
    _require_open(ticket)
    _reply(ticket, actor, body, utcnow())
    ticket.status = Status.WAITING
    db.session.flush()
    answered.send(ticket, body=body, closing=False)


def recompute_first_contact(ticket: Ticket) -> None:
    if ticket.status == Status.RESOLVED:
        ticket.first_contact = is_first_contact(ticket.channel, timeline_entries(ticket))
    else:
        ticket.first_contact = None


def resolve(
    ticket: Ticket,
    actor: User,
    outcome: Outcome,
    *,
    reply_body: str | None = None,
    during_contact: bool = False,
    diarienummer: str | None = None,
    referred_to: str | None = None,
    note: str | None = None,
    could_have_answered: bool = False,
    could_reason_id: int | None = None,
    could_note: str | None = None,
) -> None:
    """Close a ticket with its outcome; record whether it was first contact.

    A svarsgrupp resolving an escalation may say kundtjänst could have answered
    it, with a reason: the learning loop the dashboard reports."""
    _require_open(ticket)
    now = utcnow()
    if reply_body:
        _reply(ticket, actor, reply_body, now)
    during_contact = lifecycle.answered_during_contact(ticket.channel, during_contact)
    diarienummer, referred_to = lifecycle.outcome_details(outcome, diarienummer, referred_to)
    stage = ticket.group.kind
    record(
        ticket,
        EventKind.RESOLVED,
        actor,
        body=note or None,
        group=ticket.group,
        at=now,
        outcome=outcome.value,
        stage=stage.value,
        during_contact=during_contact,
        diarienummer=diarienummer,
        referred_to=referred_to,
    )
    sla.end_stage(ticket, now)
    ticket.status = Status.RESOLVED
    ticket.resolved_at = now
    ticket.outcome = outcome
    ticket.answered_by = stage
    ticket.resolved_group_id = ticket.group_id
    ticket.resolved_by = actor
    learning = lifecycle.learning_kept(stage, could_have_answered)
    ticket.could_have_answered = learning
    ticket.could_reason_id = could_reason_id if learning else None
    ticket.could_note = (could_note or None) if learning else None
    ticket.diarienummer = diarienummer
    ticket.referred_to = referred_to
    if during_contact:
        ticket.first_response_at = ticket.first_response_at or now
    _record_answer_time(ticket)
    recompute_first_contact(ticket)
    db.session.flush()
    answered.send(ticket, body=reply_body or None, closing=True)


def _record_answer_time(ticket: Ticket) -> None:
    """Working minutes from arrival to the first answer, and whether that was
    within one working day (the national e-mail measure)."""
    if ticket.first_response_at is None:
        ticket.answer_minutes = None
        ticket.answered_within_day = False
        return
    spent = working_time_between(ticket.created_at, ticket.first_response_at, current_calendar())
    minutes = max(0, int(spent.total_seconds() // 60))
    ticket.answer_minutes = minutes
    ticket.answered_within_day = minutes <= WORKING_DAY_MINUTES


def reopen(ticket: Ticket, actor: User | None, reason: str | None = None) -> None:
    """Open a closed ticket again, in the group that closed it — or, when that group
    has been deactivated since, in its successor (else kundtjänst), where someone can
    see and work it. It can no longer count as first contact."""
    if ticket.is_open:
        raise TicketError(_l("The ticket is already open."))
    resolved_at = ticket.resolved_at
    now = utcnow()
    moved_from = None
    target = reachable_group(ticket.group)
    if target.id != ticket.group_id:
        moved_from = ticket.group_id
        ticket.group = target
        ticket.group_entered_at = now
    record(
        ticket,
        EventKind.REOPENED,
        actor,
        body=reason or None,
        group=ticket.group,
        at=now,
        from_group_id=moved_from,
    )
    secrecy.enter(ticket, ticket.group)
    back_in_play(ticket)
    ticket.resolved_at = None
    ticket.outcome = None
    ticket.answered_by = None
    ticket.reopen_count += 1
    sla.start_stage(ticket, utcnow())
    ticket.resolved_group_id = None
    recompute_first_contact(ticket)
    db.session.flush()
    first_contact_changed.send(ticket, resolved_at=resolved_at)


def back_in_play(ticket: Ticket) -> None:
    """Reopened, or the citizen answered: the ticket is worked on again in its group,
    by whoever claimed it if they still can (active, still a member of the group);
    otherwise it goes back to the group's queue, where someone can claim it."""
    claimant = ticket.claimed_by
    kept = lifecycle.keeps_claim(
        claimed=claimant is not None,
        claimant_active=claimant is not None and claimant.active,
        claimant_member=claimant is not None and ticket.group_id in claimant.group_ids,
    )
    if not kept:
        ticket.claimed_by = None
    ticket.status = lifecycle.status_back_in_play(kept)


def replace_status_link(ticket: Ticket, actor: User) -> str:
    """A new status link for a citizen who lost theirs: the old one stops working at
    once. Returns the new token (only its hash is kept)."""
    token, ticket.status_token_hash = new_status_token()
    record(ticket, EventKind.STATUS_LINK_REPLACED, actor, group=ticket.group)
    audit.record("ticket.status_link", target=ticket.reference)
    db.session.flush()
    return token
