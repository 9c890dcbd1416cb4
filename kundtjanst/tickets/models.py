"""Tickets, their append-only timeline and the per-year reference sequence."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import lifecycle
from ..core.timeutil import utcnow
from ..core.vocabulary import (
    OPEN_CONDITION,
    PUBLIC_KINDS,
    Channel,
    EventKind,
    GroupKind,
    Outcome,
    Priority,
    Status,
)
from ..dbtypes import AppendOnly, UTCDateTime, append_only, str_enum
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User
    from ..org.models import Category, CouldReason, Group


class TicketSequence(db.Model):
    """The last reference number handed out per year."""

    __tablename__ = "ticket_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer)


# What the partial index over open tickets carries besides its keys.
OPEN_INDEX_INCLUDES = (
    "created_at",
    "due_at",
    "confidential",
    "channel",
    "category_id",
    "status",
    "secrecy_group_id",
    "created_by_id",
    "claimed_by_id",
    "resolved_by_id",
)


class Ticket(db.Model):
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "channel"))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    # Secrecy (OSL) belongs to what was written: set when the ticket enters a confidential
    # group or is filed under a confidential subject area, kept when it moves on, cleared
    # only by a member's explicit decision (tickets/secrecy.py). ``secrecy_group_id`` is
    # the confidential group the secret belongs to (`core.lifecycle.Secrecy`).
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    secrecy_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[Status] = mapped_column(str_enum(Status, "status"), default=Status.OPEN)
    priority: Mapped[Priority] = mapped_column(
        str_enum(Priority, "priority"), default=Priority.NORMAL
    )

    citizen_name: Mapped[str | None] = mapped_column(String(120))
    citizen_email: Mapped[str | None] = mapped_column(String(254))
    citizen_phone: Mapped[str | None] = mapped_column(String(40))
    # The phone number as E.164 (`core.phone.normalise`): a caller's earlier questions.
    citizen_phone_e164: Mapped[str | None] = mapped_column(String(16), index=True)
    status_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The citizen's language (one of CITIZEN_LANGUAGES): what every mail to them is
    # written in. The page's language when they asked on the form.
    language: Mapped[str] = mapped_column(String(12), default="sv", server_default="sv")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    group_entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome, "outcome"))
    answered_by: Mapped[GroupKind | None] = mapped_column(str_enum(GroupKind, "answered_by"))
    first_contact: Mapped[bool | None] = mapped_column(Boolean)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    diarienummer: Mapped[str | None] = mapped_column(String(60))
    referred_to: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who last closed it: one of the staff who handled it, and may read it under secrecy.
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    # When the row last changed, by anything (a timeline entry raises the version, so
    # it changes the row too): what the API's ``updated_since`` filters on.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Statistics: fixed when the ticket arrives or is resolved, so a past day's
    # figures never move unless the ticket is reopened or found to be a repeat.
    received_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    resolved_group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    answer_minutes: Mapped[int | None] = mapped_column(Integer)  # working minutes to first answer
    answered_within_day: Mapped[bool | None] = mapped_column(Boolean)
    # The learning loop: a svarsgrupp says kundtjänst could have answered this.
    could_have_answered: Mapped[bool] = mapped_column(Boolean, default=False)
    could_reason_id: Mapped[int | None] = mapped_column(ForeignKey("could_reasons.id"))
    could_note: Mapped[str | None] = mapped_column(Text)
    # Confirmed repeat contact: this ticket repeats an earlier one.
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))

    # Working-time SLA clocks, one per stage (kundtjänst, then svarsgrupp): tickets/sla.py.
    # ``due_at`` is the current stage's due time; the seconds are working time spent.
    stage_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frontline_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    answer_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sla_breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # this stage
    sla_breach_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    unclaimed_alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # this stage
    # Retention (gallring): when the citizen's personal data was removed, and the last
    # time anybody did anything with the question (an open one untouched for long is
    # listed for staff to close, and anonymised counted from then).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # E-mail threading: the Message-ID of the citizen's first mail and of their latest,
    # so our answers continue their own thread (In-Reply-To, References).
    mail_root_id: Mapped[str | None] = mapped_column(String(998))
    mail_last_id: Mapped[str | None] = mapped_column(String(998))
    # The phone call this question was logged during (`calls`): when it was answered
    # and when it ended (filled in when the phone system says so, perhaps later).
    call_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    category: Mapped[Category | None] = relationship()
    could_reason: Mapped[CouldReason | None] = relationship()
    group: Mapped[Group] = relationship(foreign_keys=[group_id])
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    secrecy_group: Mapped[Group | None] = relationship(foreign_keys=[secrecy_group_id])
    events: Mapped[list[Event]] = relationship(
        back_populates="ticket", order_by="Event.id", lazy="raise_on_sql"
    )

    __table_args__ = (
        # The inbox and the queues: open tickets of a group, oldest first.
        Index("ix_tickets_group_status_entered", "group_id", "status", "group_entered_at"),
        Index("ix_tickets_claimed_by_status", "claimed_by_id", "status"),
        Index("ix_tickets_created_at", "created_at"),
        Index("ix_tickets_citizen_email", "citizen_email"),
        Index("ix_tickets_citizen_phone", "citizen_phone"),
        Index("ix_tickets_resolved_answer", "resolved_at", "answer_minutes"),
        # The inbox and the queues sorted by time left; the SLA watch.
        Index("ix_tickets_group_status_due", "group_id", "status", "due_at"),
        Index("ix_tickets_status_due", "status", "due_at"),
        Index("ix_tickets_status_last_activity", "status", "last_activity_at"),
        Index("ix_tickets_updated_at", "updated_at"),
        # Open tickets only, a small part of the table: the inbox oldest first without
        # sorting every open ticket, and the dashboard's backlog (by group, age and
        # due time) read from the index alone; so is a list's count, secrecy filter
        # (`permissions.ticket_scope`) included.
        Index(
            "ix_tickets_open_group_entered",
            "group_id",
            "group_entered_at",
            "id",
            postgresql_include=[*OPEN_INDEX_INCLUDES],
            postgresql_where=text(OPEN_CONDITION),
            sqlite_where=text(OPEN_CONDITION),
        ),
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status != Status.RESOLVED

    @property
    def claimable(self) -> bool:
        """Open and claimed by nobody (`core.lifecycle.claimable`)."""
        return lifecycle.claimable(status=self.status, claimed=self.claimed_by_id is not None)

    @property
    def asked_in_writing(self) -> bool:
        """Whether the question's text is the citizen's own words (in their language):
        written in (web form, e-mail, letter) or sent by a program with no staff member
        behind it (an e-service, a chat platform) — not what staff noted down from a
        call, chat or visit."""
        return not Channel(self.channel).synchronous or self.created_by_id is None

    def __repr__(self) -> str:
        return f"<Ticket {self.reference}>"


class Event(db.Model):
    """One entry on a ticket's timeline. Never updated, never deleted."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    # No CHECK constraint: new features add kinds, and old rows stay valid.
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind, "event_kind", check=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"))
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
    group: Mapped[Group | None] = relationship()

    @property
    def public(self) -> bool:
        """Seen by the citizen on the status page."""
        return self.kind in PUBLIC_KINDS


class AppendOnlyError(AppendOnly):
    """The timeline is history: an entry is never changed or deleted."""


append_only(Event, AppendOnlyError, "the ticket timeline")
