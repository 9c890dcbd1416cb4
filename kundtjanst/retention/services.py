"""Retention (gallring): anonymise citizens' personal data on old tickets.

A ticket resolved longer ago than its subject area's retention time (default 24
months; tickets without a subject area keep 24 months) — or still open but untouched
(`Ticket.last_activity_at`) for that long — loses everything that can identify the
citizen: name, e-mail and phone are emptied, the status link stops working, and the
free text — subject, description, the referral, the diarienummer, the "could
kundtjänst have answered" note, every timeline entry's body, and the referral and
diarienummer a resolution copied into its entry's data — is replaced by the marker
``[gallrad]`` (or removed); its attached files are deleted, rows and bytes
(`attachments.services.delete_for_tickets`: the bytes once the run commits), and so is
its e-mail: our mails' addresses and texts in the outbox, and the citizen's mails as
they came (`inbound_mail.raw`), keeping only what tells a mail again from a new one
(Message-ID and content hash). Mail that never belonged to a ticket (a quarantined or
discarded mail, a group's notice) goes the same way after the default time. Phone
calls (`calls`) lose the caller's number with the ticket logged for them, or, when
none was, after the default time. Everything
the statistics read stays: channel, subject
area, groups, times, outcome, first contact, SLA clocks. Open tickets untouched for
a while are listed for staff to close long before (`tickets.queries.stale`).

The timeline is append-only for the application (the ORM refuses to update an
`Event`); retention is the one deliberate exception and works with bulk UPDATE
statements, which that guard does not see. Each run that changes anything, and
each run of the nightly job, leaves a ``retention.run`` entry in the audit log
with the counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, and_, case, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB

from ..attachments import services as attachments
from ..audit import services as audit
from ..calls import services as calls
from ..core.timeutil import months_before
from ..core.vocabulary import OPEN_STATUSES, EventKind, Status
from ..extensions import db
from ..inbound.models import InboundMail
from ..mail.models import FAILED, PENDING, SENDING, OutgoingMail
from ..org.models import Category
from ..tickets.models import Event, Ticket

MARKER = "[gallrad]"
DEFAULT_MONTHS = 24
# Tickets a transaction anonymises in the nightly job and the command.
BATCH = 500


@dataclass(frozen=True)
class CategoryCount:
    name: str | None  # None: tickets without a subject area
    months: int
    cutoff: datetime
    tickets: int
    events: int
    attachments: int = 0


@dataclass
class RetentionResult:
    dry_run: bool
    categories: list[CategoryCount] = field(default_factory=list)
    mails: int = 0  # outgoing and incoming mails emptied
    calls: int = 0  # phone calls whose number was removed

    @property
    def tickets(self) -> int:
        return sum(c.tickets for c in self.categories)

    @property
    def events(self) -> int:
        return sum(c.events for c in self.categories)

    @property
    def attachments(self) -> int:
        return sum(c.attachments for c in self.categories)


def _expired(category_id: int | None, cutoff: datetime):
    """Closed before ``cutoff``, or still open but untouched since before it."""
    return and_(
        Ticket.anonymised_at.is_(None),
        or_(
            and_(Ticket.status == Status.RESOLVED, Ticket.resolved_at < cutoff),
            and_(Ticket.status.in_(OPEN_STATUSES), Ticket.last_activity_at < cutoff),
        ),
        Ticket.category_id.is_(None) if category_id is None else Ticket.category_id == category_id,
    )


# Free text a resolution copies into its timeline entry's data.
FREE_TEXT_DATA = ("referred_to", "diarienummer")


def _without_free_text(data):
    """SQL for an entry's data without the free-text keys."""
    if db.session.get_bind().dialect.name == "postgresql":
        trimmed = cast(data, JSONB)
        for key in FREE_TEXT_DATA:
            trimmed = trimmed.op("-")(key)
        return cast(trimmed, JSON)
    return func.json_remove(data, *(f"$.{key}" for key in FREE_TEXT_DATA))


def _marked(column):
    """The marker where the column holds text, NULL and empty stay as they are."""
    return case((column.is_(None), None), (column == "", ""), else_=MARKER)


@dataclass
class Found:
    """What one subject area's run found, added up over its batches."""

    tickets: int = 0
    events: int = 0
    files: int = 0


def _anonymise_tickets(
    ticket_ids, now: datetime, dry_run: bool, found: Found, result: RetentionResult
) -> None:
    """Anonymise (or count) the tickets ``ticket_ids`` (a select of ids, or a batch's
    list), with their texts, files, mails and calls."""
    if isinstance(ticket_ids, list):
        tickets = len(ticket_ids)
    else:
        tickets = db.session.scalar(select(func.count()).select_from(ticket_ids.subquery()))
    if not tickets:
        return
    texts = Event.body.is_not(None), Event.ticket_id.in_(ticket_ids)
    found.tickets += tickets
    found.events += db.session.scalar(select(func.count(Event.id)).where(*texts))
    if dry_run:
        found.files += attachments.count_for_tickets(ticket_ids)
    else:
        found.files += attachments.delete_for_tickets(ticket_ids)
    result.mails += _mail_of(
        OutgoingMail.ticket_id.in_(ticket_ids), InboundMail.ticket_id.in_(ticket_ids), dry_run
    )
    result.calls += calls.anonymise_for_tickets(ticket_ids, now, dry_run=dry_run)
    if dry_run:
        return
    # The one place the timeline is rewritten: deliberate, in bulk, logged.
    db.session.execute(
        update(Event).where(*texts).values(body=MARKER),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(Event)
        .where(Event.kind == EventKind.RESOLVED, Event.ticket_id.in_(ticket_ids))
        .values(data=_without_free_text(Event.data)),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(Ticket)
        .where(Ticket.id.in_(ticket_ids))
        .values(
            citizen_name=None,
            citizen_email=None,
            citizen_phone=None,
            citizen_phone_e164=None,
            status_token_hash=None,
            subject=MARKER,
            description=_marked(Ticket.description),
            could_note=_marked(Ticket.could_note),
            referred_to=_marked(Ticket.referred_to),
            diarienummer=_marked(Ticket.diarienummer),
            anonymised_at=now,
            version=Ticket.version + 1,
        ),
        execution_options={"synchronize_session": False},
    )


def anonymise_expired(
    now: datetime,
    *,
    dry_run: bool = False,
    user_id: int | None = None,
    batch: int | None = None,
    after_batch: Callable[[], None] | None = None,
) -> RetentionResult:
    """Anonymise (or, with ``dry_run``, count) the expired tickets; flushes, does not commit.

    With ``batch``, the tickets go ``batch`` at a time, oldest id first, and
    ``after_batch`` (the nightly job's and the command's commit) is called after each,
    so no transaction holds the rows of more than one batch: on a large database
    every ticket keeps answering while a run goes on.
    """
    result = RetentionResult(dry_run=dry_run)
    rows = db.session.execute(
        select(Category.id, Category.name, Category.retention_months).order_by(Category.name)
    ).all()
    for category_id, name, months in [*rows, (None, None, DEFAULT_MONTHS)]:
        cutoff = months_before(now, months)
        expired = _expired(category_id, cutoff)
        found = Found()
        if dry_run or not batch:
            _anonymise_tickets(select(Ticket.id).where(expired), now, dry_run, found, result)
        else:
            last_id = 0
            while ids := db.session.scalars(
                select(Ticket.id)
                .where(expired, Ticket.id > last_id)
                .order_by(Ticket.id)
                .limit(batch)
            ).all():
                _anonymise_tickets(ids, now, dry_run, found, result)
                last_id = ids[-1]
                if after_batch:
                    after_batch()
        if found.tickets:
            result.categories.append(
                CategoryCount(name, months, cutoff, found.tickets, found.events, found.files)
            )
    cutoff = months_before(now, DEFAULT_MONTHS)
    result.mails += _mail_of(
        and_(OutgoingMail.ticket_id.is_(None), OutgoingMail.created_at < cutoff),
        and_(InboundMail.ticket_id.is_(None), InboundMail.received_at < cutoff),
        dry_run,
    )
    result.calls += calls.anonymise_unlinked(cutoff, now, dry_run=dry_run)
    if not dry_run:
        audit.record(
            "retention.run",
            user_id=user_id,
            tickets=result.tickets,
            events=result.events,
            attachments=result.attachments,
            mails=result.mails,
            calls=result.calls,
            categories={c.name or "-": c.tickets for c in result.categories},
        )
    db.session.flush()
    return result


def _mail_of(outgoing, incoming, dry_run: bool) -> int:
    """Empty (or count) the mails that match: ours lose their recipients and texts (one
    never sent is given up), the citizens' lose their bytes, sender and subject."""
    ours = and_(outgoing, OutgoingMail.body != MARKER)
    theirs = and_(incoming, InboundMail.size > 0)
    found = db.session.scalar(select(func.count(OutgoingMail.id)).where(ours))
    found += db.session.scalar(select(func.count(InboundMail.id)).where(theirs))
    if dry_run or not found:
        return found
    unsent = OutgoingMail.status.in_((PENDING, SENDING))
    db.session.execute(
        update(OutgoingMail)
        .where(ours)
        .values(
            recipients=[],
            subject=MARKER,
            body=MARKER,
            html_body=None,
            reply_to=None,
            in_reply_to=None,
            references=None,
            last_error=None,
            undeliverable_reason=_marked(OutgoingMail.undeliverable_reason),
            status=case((unsent, FAILED), else_=OutgoingMail.status),
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(
        update(InboundMail)
        .where(theirs)
        .values(raw=b"", size=0, sender=None, subject=MARKER, error=None),
        execution_options={"synchronize_session": False},
    )
    return found
