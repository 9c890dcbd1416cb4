"""A file attached to a ticket: what is known of it. The bytes are in the file store
(`storage`), under `Attachment.storage_key`; the row is written after them and
deleted before them, so a row always names bytes that exist."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, str_enum
from ..extensions import db


class Source(enum.StrEnum):
    """Where a file came from."""

    WEB = "web"  # the public question form
    EMAIL = "email"  # an e-mail to kundtjänst


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_ticket_id", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    # The sender's name for it, made safe (`rules.safe_filename`): shown and offered
    # as the download's name, never used as a path.
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    # Read from the bytes (`rules.sniff`), never from the name or the sender's claim.
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[Source] = mapped_column(str_enum(Source, "attachment_source"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def __repr__(self) -> str:
        return f"<Attachment {self.id} of ticket {self.ticket_id}>"
