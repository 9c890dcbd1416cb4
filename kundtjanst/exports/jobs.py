"""The job producing exports: deletes expired files, puts exports whose scheduler
died back in line, then writes every pending export, one at a time."""

from __future__ import annotations

import logging
import time
from collections import Counter
from contextlib import closing
from datetime import datetime, timedelta

from flask import current_app

from .. import replica
from ..core.timeutil import utcnow
from ..extensions import db
from ..jobs.registry import Every, job
from ..lazytext import lazy_gettext as _l
from ..stats import exports as content
from . import files, services
from .services import Claim

log = logging.getLogger(__name__)

# Progress is committed at most this often (the export's page reads it).
PROGRESS_SECONDS = 1.0


@job(
    "exports.produce",
    Every(config_key="SCHEDULER_EXPORTS_SECONDS"),
    _l("Writes the exports people have asked for; deletes files kept long enough."),
    quiet=True,
)
def produce(trigger_time: datetime) -> dict[str, int]:
    config = current_app.config
    counts: Counter[str] = Counter()
    now = utcnow()
    counts["expired"] = services.expire(now)
    stale = timedelta(minutes=config["EXPORT_STALE_MINUTES"])
    counts["retried"], counts["stopped"] = services.recover_stale(now, stale)
    db.session.commit()
    keep = timedelta(hours=config["EXPORT_KEEP_HOURS"])
    while (claim := services.claim_next(utcnow())) is not None:
        db.session.commit()
        counts[produce_one(claim, keep)] += 1
    return {name: n for name, n in counts.items() if n}


def produce_one(claim: Claim, keep: timedelta) -> str:
    """Write one claimed export as its requester; "done", "failed" or "superseded"."""
    try:
        user, period, filters = services.scope(claim)
        with replica.reads():  # the tickets from the replica, when there is one
            total = content.count(user, period, filters)
        files.fits(claim.kind, total)
        services.start(claim, total, utcnow())
        db.session.commit()
        with files.scratch() as file:
            with (
                replica.read_engine().connect() as connection,
                closing(content.rows(connection, user, period, filters)) as rows,
            ):
                written = files.write(claim.kind, rows, _Progress(claim), file)
            services.finish(claim, written, utcnow(), keep)
            db.session.commit()
        return "done"
    except services.Superseded:
        db.session.rollback()
        return "superseded"
    except (services.Refused, files.TooManyRows) as refused:
        db.session.rollback()
        return _failed(claim, refused.failure)
    except Exception:
        db.session.rollback()
        log.exception("Export %d could not be written", claim.export_id)
        return _failed(claim, "error")


def _failed(claim: Claim, failure: str) -> str:
    services.fail(claim, failure, utcnow())
    db.session.commit()
    return "failed"


class _Progress:
    """Commits the rows written so far, at most every PROGRESS_SECONDS."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim
        self.last = time.monotonic()

    def __call__(self, rows: int) -> None:
        if time.monotonic() - self.last < PROGRESS_SECONDS:
            return
        services.progress(self.claim, rows, utcnow())
        db.session.commit()
        self.last = time.monotonic()
