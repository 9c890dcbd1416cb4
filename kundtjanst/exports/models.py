"""An export request and its file, kept in the database in chunks."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..dbtypes import UTCDateTime, str_enum
from ..extensions import db


class ExportKind(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportStatus(enum.StrEnum):
    PENDING = "pending"  # asked for; the job has not started it
    RUNNING = "running"  # a job is writing it
    DONE = "done"  # the file is ready until expires_at
    FAILED = "failed"  # see `failure`
    EXPIRED = "expired"  # the file has been deleted


class Export(db.Model):
    """The tickets of a period and filters, as CSV or XLSX, for the user who asked.

    The filters are kept as chosen (department and group, not the groups they came
    to): the job works out what the requester may see when it runs. ``attempt``
    grows with every start and is the producing job's claim: progress and the
    finished file are stored only under the attempt that started them.
    """

    __tablename__ = "exports"
    __table_args__ = (
        Index("ix_exports_status_created_at", "status", "created_at"),
        Index("ix_exports_requested_by_id_created_at", "requested_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[ExportKind] = mapped_column(str_enum(ExportKind, "export_kind"))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer)
    group_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str | None] = mapped_column(String(12))  # the citizen's; None: every one

    status: Mapped[ExportStatus] = mapped_column(str_enum(ExportStatus, "export_status"))
    failure: Mapped[str | None] = mapped_column(String(30))  # see views.FAILURES
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    size: Mapped[int | None] = mapped_column(Integer)  # bytes
    # References of the confidential tickets in the file: each download's audit entry.
    confidential: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    progress_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the job's last sign
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def filename(self) -> str:
        return f"arenden_{self.first_day}_{self.last_day}.{self.kind.value}"

    @property
    def unfinished(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)


class ExportChunk(db.Model):
    """One piece (at most `services.CHUNK` bytes) of a finished export's file."""

    __tablename__ = "export_chunks"

    export_id: Mapped[int] = mapped_column(
        ForeignKey("exports.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
