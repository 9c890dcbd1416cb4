"""A phone call as the phone system told of it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, str_enum
from ..extensions import db
from ..tickets.models import Ticket

if TYPE_CHECKING:
    from ..auth.models import User


class CallState(enum.StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"


# A call's states in the order they follow each other: a call never goes back.
ORDER = (CallState.RINGING, CallState.ANSWERED, CallState.ENDED)

# The phone system a call came from, when the caller of `services.receive` names none.
DEFAULT_SOURCE = "phone"


class Call(db.Model):
    __tablename__ = "calls"
    __table_args__ = (
        # The phone system's id names one call (per phone system).
        UniqueConstraint("source", "call_id", name="uq_calls_source_call_id"),
        # "Ny kontakt": the agent's most recent call; the caller log, newest first.
        Index("ix_calls_agent_created", "agent_id", "created_at"),
        Index("ix_calls_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40), default=DEFAULT_SOURCE)
    call_id: Mapped[str] = mapped_column(String(100))
    # None: withheld, no usable number, or removed by retention (``anonymised_at``).
    number_e164: Mapped[str | None] = mapped_column(String(16), index=True)
    state: Mapped[CallState] = mapped_column(str_enum(CallState, "call_state"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ringing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The question the agent logged for the call ("Ny kontakt").
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agent: Mapped[User | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()

    @property
    def started_at(self) -> datetime:
        """When the citizen was first on the line (or rang)."""
        return self.answered_at or self.ringing_at or self.created_at

    @property
    def duration_seconds(self) -> int | None:
        """From answered to ended; None while it goes on (or was never answered)."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, int((self.ended_at - self.answered_at).total_seconds()))

    def __repr__(self) -> str:
        return f"<Call {self.source}:{self.call_id} {self.state}>"
