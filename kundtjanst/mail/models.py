"""The outbox: every e-mail the application sends, as a row written with the change
that caused it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
from ..extensions import db

PENDING = "pending"  # waiting to be sent (again)
SENDING = "sending"  # claimed by a sender right now
SENT = "sent"
FAILED = "failed"  # refused for good, or still refused after the retry time
UNSENT = "unsent"  # (older rows) no mail server was set; such mail now stays pending

# What a message is, for the ticket page and the admin's outbox page.
NOTICE = "notice"  # to a staff group about its tickets
RECEIPT = "receipt"  # to the citizen: the question arrived, its reference and status link
REPLY = "reply"  # to the citizen: a public reply
CLOSING = "closing"  # to the citizen: the closing answer


class OutgoingMail(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The ticket a message is about (citizen mail; None for a group's digest), so the
    # ticket page can list its mails and a reply to one threads back to it.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default=NOTICE, server_default=NOTICE)
    html_body: Mapped[str | None] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(320))
    # Continuing the citizen's own thread: their Message-ID(s), space-separated.
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[str | None] = mapped_column(Text)
    # RFC 3834: a message nobody typed (a receipt) says so, so that autoresponders
    # do not answer it.
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A delivery status notification said this message did not arrive.
    undeliverable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undeliverable_reason: Mapped[str | None] = mapped_column(Text)
