"""The citizen's status link: an unguessable token, of which only a hash is kept."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_status_token() -> tuple[str, str]:
    """An unguessable status-link token and the hash we keep of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)
