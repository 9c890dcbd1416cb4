"""Claiming queued rows for one sender, shared by the outbox (`mail.services`) and
webhooks (`webhooks.sending`): of two senders (two schedulers, or a scheduler and
`flask … send`) running at once, exactly one gets each row.

A queue table has ``id``, ``status`` and ``claimed_at``. On PostgreSQL the first due
row no other sender holds is locked (``SELECT … FOR UPDATE SKIP LOCKED``) and marked
``sending``; elsewhere (SQLite) a conditional ``UPDATE … WHERE status = 'pending'``
decides. Either way the claim is committed at once. A row is claimed at most once a
pass (the pass's ``now``): one that failed is pending again, for a later pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update

from .extensions import db

CANDIDATES = 20


def _claim_locked(model: Any, due: list, now: datetime, sending: str):
    row = db.session.scalars(
        select(model).where(*due).order_by(model.id).limit(1).with_for_update(skip_locked=True)
    ).first()
    if row is not None:
        row.status, row.claimed_at = sending, now
    db.session.commit()
    return row


def _claim_first(model: Any, due: list, now: datetime, pending: str, sending: str):
    candidates = db.session.scalars(
        select(model.id).where(*due).order_by(model.id).limit(CANDIDATES)
    ).all()
    for row_id in candidates:
        claimed = db.session.execute(
            update(model)
            .where(model.id == row_id, model.status == pending)
            .values(status=sending, claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed == 1:
            return db.session.get(model, row_id)
    db.session.commit()
    return None


def claim_next(model: Any, due: list, now: datetime, *, pending: str, sending: str):
    """The first row of ``model`` meeting ``due`` (conditions that include its status
    being ``pending``), now ``sending`` and this sender's; None when there is none.
    Commits."""
    not_this_pass = or_(model.claimed_at.is_(None), model.claimed_at < now)
    conditions = [*due, not_this_pass]
    if db.session.get_bind().dialect.name == "postgresql":
        return _claim_locked(model, conditions, now, sending)
    return _claim_first(model, conditions, now, pending, sending)


def claim_many(model: Any, due: list, now: datetime, *, pending: str, sending: str, limit: int):
    """Like `claim_next`, up to ``limit`` rows in one transaction (one commit for all):
    their ids, in order. For a sender that goes through them one by one."""
    not_this_pass = or_(model.claimed_at.is_(None), model.claimed_at < now)
    conditions = [*due, not_this_pass]
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(
            db.session.scalars(
                select(model.id)
                .where(*conditions)
                .order_by(model.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if ids:
            db.session.execute(
                update(model)
                .where(model.id.in_(ids))
                .values(status=sending, claimed_at=now)
                .execution_options(synchronize_session=False)
            )
        db.session.commit()
        return ids
    candidates = db.session.scalars(
        select(model.id).where(*conditions).order_by(model.id).limit(limit)
    ).all()
    ids = []
    for row_id in candidates:
        claimed = db.session.execute(
            update(model)
            .where(model.id == row_id, model.status == pending)
            .values(status=sending, claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:
            ids.append(row_id)
    db.session.commit()
    return ids


def release_stuck(model: Any, before: datetime, *, pending: str, sending: str) -> None:
    """Rows claimed before ``before`` were left by a sender that stopped: pending again."""
    db.session.execute(
        update(model)
        .where(model.status == sending, model.claimed_at < before)
        .values(status=pending)
        .execution_options(synchronize_session=False)
    )
