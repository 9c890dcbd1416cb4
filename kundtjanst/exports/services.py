"""Changes to exports: asking for one, the job's claim, progress and finished file,
failure, and deleting files that have been kept long enough.

Every function changes the database and flushes; none commits (the view or the job
does). The producing job holds a `Claim`: the export's id and the attempt number its
start set. Progress and the finished file are written only while the export is still
running under that attempt, so an export taken over after its scheduler stopped is
never stored twice (`Superseded` tells the old producer to give up).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, update

from ..audit import services as audit
from ..auth.models import User
from ..core.errors import InvalidChange
from ..core.statistics import Period
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from ..stats.aggregate import Filters
from ..stats.scope import chosen_group_ids, visible_group_ids
from .files import Written
from .models import Export, ExportChunk, ExportKind, ExportStatus

CHUNK = 1024 * 1024  # bytes per stored piece of a file
MAX_WAITING = 5  # unfinished exports one person may have at a time
MAX_ATTEMPTS = 2  # starts before an export whose scheduler keeps stopping has failed
FORGET_AFTER = timedelta(days=30)  # a failed or expired export leaves the user's list

UNFINISHED = (ExportStatus.PENDING, ExportStatus.RUNNING)


class Refused(Exception):
    """The export cannot be produced; ``failure`` says why (see views.FAILURES)."""

    def __init__(self, failure: str) -> None:
        super().__init__(failure)
        self.failure = failure


class Superseded(Exception):
    """The export is no longer running under this claim (taken over, or gone)."""


@dataclass(frozen=True)
class Claim:
    export_id: int
    attempt: int
    kind: ExportKind


@dataclass(frozen=True)
class Chosen:
    """What was asked for: the period and the filters as chosen."""

    period: Period
    channel: str | None
    category_id: int | None
    department_id: int | None
    group_id: int | None
    language: str | None = None


def request_export(user: User, kind: ExportKind, chosen: Chosen, now: datetime) -> Export:
    """Record ``user``'s request (and audit it); the job produces the file."""
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Export)
        .where(Export.requested_by_id == user.id, Export.status.in_(UNFINISHED))
    )
    if waiting >= MAX_WAITING:
        raise InvalidChange(
            _l(
                "You already have %(num)d exports on the way. Wait until one is ready.",
                num=waiting,
            )
        )
    export = Export(
        requested_by_id=user.id,
        kind=kind,
        first_day=chosen.period.first,
        last_day=chosen.period.last,
        channel=chosen.channel,
        category_id=chosen.category_id,
        department_id=chosen.department_id,
        group_id=chosen.group_id,
        language=chosen.language,
        status=ExportStatus.PENDING,
        attempt=0,
        rows_done=0,
        created_at=now,
    )
    db.session.add(export)
    db.session.flush()
    audit.record(
        "stats.export",
        target=kind.value,
        export=export.id,
        department=export.department_id,
        group=export.group_id,
        **_period_and_filters(export),
    )
    return export


def record_download(export: Export) -> None:
    """Each download is a read of the tickets in the file, confidential ones by name."""
    audit.record(
        "stats.export_download",
        target=export.kind.value,
        export=export.id,
        rows=export.rows_done,
        confidential=export.confidential,
        **_period_and_filters(export),
    )


def _period_and_filters(export: Export) -> dict:
    return {
        "from": export.first_day.isoformat(),
        "to": export.last_day.isoformat(),
        "channel": export.channel,
        "category": export.category_id,
        "language": export.language,
    }


# --- the job -------------------------------------------------------------------------


def claim_next(now: datetime) -> Claim | None:
    """Start the oldest pending export: one conditional UPDATE from pending to running
    decides which job has it. None when nothing is pending."""
    candidates = db.session.scalars(
        select(Export.id)
        .where(Export.status == ExportStatus.PENDING)
        .order_by(Export.created_at, Export.id)
        .limit(10)
    ).all()
    for export_id in candidates:
        started = db.session.execute(
            update(Export)
            .where(Export.id == export_id, Export.status == ExportStatus.PENDING)
            .values(
                status=ExportStatus.RUNNING,
                attempt=Export.attempt + 1,
                started_at=now,
                progress_at=now,
                rows_done=0,
                rows_total=None,
            )
            .execution_options(synchronize_session=False)
        )
        if started.rowcount == 1:
            attempt, kind = db.session.execute(
                select(Export.attempt, Export.kind).where(Export.id == export_id)
            ).one()
            return Claim(export_id, attempt, kind)
    return None


def scope(claim: Claim) -> tuple[User, Period, Filters]:
    """Who the export is produced as, and what it holds: the requester's permissions
    as they are now (they may have changed since the request)."""
    export = db.session.get(Export, claim.export_id)
    user = db.session.get(User, export.requested_by_id)
    allowed = visible_group_ids(user) if user.active else ()
    lost_group = export.group_id and allowed is not None and export.group_id not in allowed
    if allowed == () or lost_group:
        raise Refused("not_allowed")
    groups = db.session.scalars(select(Group)).all()
    filters = Filters(
        channel=export.channel,
        category_id=export.category_id,
        group_ids=chosen_group_ids(allowed, groups, export.department_id, export.group_id),
        language=export.language,
    )
    return user, Period(export.first_day, export.last_day), filters


def _while_mine(claim: Claim, now: datetime, **values) -> None:
    changed = db.session.execute(
        update(Export)
        .where(
            Export.id == claim.export_id,
            Export.status == ExportStatus.RUNNING,
            Export.attempt == claim.attempt,
        )
        .values(progress_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise Superseded(claim.export_id)


def start(claim: Claim, total: int, now: datetime) -> None:
    _while_mine(claim, now, rows_total=total)


def progress(claim: Claim, rows: int, now: datetime) -> None:
    _while_mine(claim, now, rows_done=rows)


def finish(claim: Claim, written: Written, now: datetime, keep: timedelta) -> None:
    """The export is done: its file, in chunks, kept until ``now + keep``."""
    _while_mine(
        claim,
        now,
        status=ExportStatus.DONE,
        rows_done=written.rows,
        rows_total=written.rows,
        size=written.size,
        confidential=written.confidential or None,
        finished_at=now,
        expires_at=now + keep,
    )
    seq = 0
    while data := written.file.read(CHUNK):
        db.session.execute(
            insert(ExportChunk), [{"export_id": claim.export_id, "seq": seq, "data": data}]
        )
        seq += 1


def fail(claim: Claim, failure: str, now: datetime) -> None:
    with suppress(Superseded):  # another attempt has it now: its outcome counts
        _while_mine(claim, now, status=ExportStatus.FAILED, failure=failure, finished_at=now)


def recover_stale(now: datetime, stale: timedelta) -> tuple[int, int]:
    """Running exports without progress for ``stale`` (their scheduler died): back to
    pending, or failed after MAX_ATTEMPTS starts. (retried, failed)."""
    still = (Export.status == ExportStatus.RUNNING, Export.progress_at < now - stale)
    retried = db.session.execute(
        update(Export)
        .where(*still, Export.attempt < MAX_ATTEMPTS)
        .values(status=ExportStatus.PENDING)
        .execution_options(synchronize_session=False)
    )
    failed = db.session.execute(
        update(Export)
        .where(*still, Export.attempt >= MAX_ATTEMPTS)
        .values(status=ExportStatus.FAILED, failure="stopped", finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return retried.rowcount, failed.rowcount


def expire(now: datetime) -> int:
    """Delete the files kept past their time; forget old failed and expired exports.
    Returns how many files were deleted."""
    due = db.session.scalars(
        select(Export.id).where(Export.status == ExportStatus.DONE, Export.expires_at <= now)
    ).all()
    if due:
        db.session.execute(delete(ExportChunk).where(ExportChunk.export_id.in_(due)))
        db.session.execute(
            update(Export)
            .where(Export.id.in_(due))
            .values(status=ExportStatus.EXPIRED, confidential=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(
        delete(Export)
        .where(
            Export.status.in_((ExportStatus.FAILED, ExportStatus.EXPIRED)),
            Export.created_at < now - FORGET_AFTER,
        )
        .execution_options(synchronize_session=False)
    )
    return len(due)
