"""Standard Webhooks (standardwebhooks.com) signing, pure: secrets, signatures, the
message id and the retry schedule of a webhook delivery.

A secret is ``whsec_`` and the base64 of 24–32 random bytes; the key is those bytes.
The signature of a delivery is ``v1,`` and the base64 HMAC-SHA256 of
``{webhook-id}.{webhook-timestamp}.{body}``; while a rotated secret's overlap lasts,
the header carries both signatures, space-separated, so a receiver holding either
secret accepts the delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

PREFIX = "whsec_"
SECRET_BYTES = 24


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def key(secret: str) -> bytes:
    """The bytes a ``whsec_…`` secret stands for; ValueError for anything else."""
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    raw = base64.b64decode(secret[len(PREFIX) :], validate=True)
    if not 24 <= len(raw) <= 64:
        raise ValueError("a webhook secret holds 24 to 64 bytes")
    return raw


def new_webhook_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signature_header(
    secrets_in_use: Iterable[str], webhook_id: str, timestamp: int, body: bytes
) -> str:
    """One signature per secret (the current first), space-separated."""
    return " ".join(signature(s, webhook_id, timestamp, body) for s in secrets_in_use if s)


FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1, 2, 4 … minutes, at
    most an hour."""
    if attempts <= 1:
        return FIRST_WAIT
    return min(timedelta(minutes=2 ** min(attempts - 2, 12)), LONGEST_WAIT)
