"""Every incoming mail as it came (its bytes), and what became of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
from ..extensions import db
from ..tickets.models import Ticket

# What a stored mail is now.
PROCESSING = "processing"  # stored; a fetcher is reading it (or died doing so)
NEW_TICKET = "ticket"  # became a new ticket
THREADED = "threaded"  # a message on the ticket it answers
AUTO_REPLY = "auto_reply"  # an automatic reply, noted on the ticket it answers
BOUNCE = "bounce"  # a delivery report about one of our mails
REPORT = "report"  # a delivery report that changes nothing (delayed, or not ours)
QUARANTINED = "quarantined"  # could not be placed: waits for an administrator
DISCARDED = "discarded"  # an administrator discarded it from the quarantine (kept)

DONE = (NEW_TICKET, THREADED, AUTO_REPLY, BOUNCE, REPORT, QUARANTINED, DISCARDED)

# Why a mail is in quarantine.
UNPARSEABLE = "unparseable"
FAILED = "failed"  # reading or placing it raised an error
SENDER_LIMIT = "sender_limit"  # too many new tickets from its sender today
OUR_OWN = "our_own"  # our own mail came back without a ticket to put it on
UNKNOWN_BOUNCE = "unknown_bounce"  # a bounce about a mail we do not know


class InboundMail(db.Model):
    __tablename__ = "inbound_mail"
    __table_args__ = (
        # Nothing twice: the same Message-ID with the same content is the same mail.
        UniqueConstraint("message_id", "content_hash", name="uq_inbound_mail_message"),
        Index("ix_inbound_mail_status", "status"),
        Index("ix_inbound_mail_sender_received", "sender", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998))  # '' when it had none
    content_hash: Mapped[str] = mapped_column(String(64))  # core.mailparse.content_hash
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    # Where it was read: the source's name and folder, and the server's UID there.
    mailbox: Mapped[str] = mapped_column(String(500))
    uid: Mapped[int | None] = mapped_column(Integer)
    # When the mailbox received it (IMAP INTERNALDATE): the ticket's received time.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=PROCESSING)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Read from the mail once parsed (for the lists and the per-sender limit).
    sender: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(String(300))
    # Why no automatic answer may go to it (core.mailloop), when a machine wrote it.
    automatic: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(String(30))  # why quarantined
    error: Mapped[str | None] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    # A reply to a ticket closed longer ago than the repeat-contact window: it became
    # a new ticket, and this is the earlier one (suggested as a repeat contact).
    earlier_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    ticket: Mapped[Ticket | None] = relationship(foreign_keys=[ticket_id])
