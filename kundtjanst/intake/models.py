"""The receipt of a question sent on the public form.

A form is accepted once: it carries a one-time submission id, and the first post
of that id creates the ticket and this row; a double click or a replay finds the
row and gets the same receipt, not a second ticket. The row also keeps the status
link's token for a short while, so the receipt page can show it without the token
ever travelling in a cookie; then the token is wiped (only its hash stays, on the
ticket), and after some days the row goes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
from ..extensions import db


class Receipt(db.Model):
    __tablename__ = "receipts"
    __table_args__ = (Index("ix_receipts_created_at", "created_at"),)

    submission: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(20))
    # The status link's token while the receipt may still show it; then None.
    status_token: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shows_until: Mapped[datetime] = mapped_column(UTCDateTime)
