"""``Idempotency-Key``: a create sent again with the same key gets the first answer.

The key is claimed by inserting its row, in the transaction that creates the
ticket. Of two requests with one key at the same moment, the second waits on the
unique index until the first commits, then fails to insert, rolls back and answers
what the first answered. A key sent again with a different body is refused (422):
it is a mistake, and guessing which body was meant could make the wrong ticket.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from ..core.timeutil import utcnow
from ..extensions import db
from .models import ApiToken, IdempotentRequest


def fingerprint(body: Any) -> str:
    """The request as parsed (so key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def find(token: ApiToken, key: str) -> IdempotentRequest | None:
    return db.session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.token_id == token.id, IdempotentRequest.key == key
        )
    )


def claim(token: ApiToken, key: str, request_hash: str) -> IdempotentRequest:
    """Insert the key's row (raises IntegrityError when another request has it)."""
    row = IdempotentRequest(
        token_id=token.id, key=key, request_hash=request_hash, status=0, created_at=utcnow()
    )
    db.session.add(row)
    db.session.flush()
    return row


def answered(row: IdempotentRequest, status: int, response: dict[str, Any]) -> None:
    row.status = status
    row.response = response
    db.session.flush()
