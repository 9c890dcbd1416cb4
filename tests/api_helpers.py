"""Tokens and calls for the API tests."""

from __future__ import annotations

from datetime import datetime

from kundtjanst.api import services
from kundtjanst.auth.models import User
from kundtjanst.extensions import db

ALL = ("tickets:read", "tickets:internal", "tickets:write", "stats:read", "kb:read")


def make_token(
    scopes=ALL,
    *,
    user_id: int | None = None,
    name: str = "e-tjanster",
    expires_at: datetime | None = None,
) -> str:
    """A token made through the real service (committed); returns its text."""
    user = db.session.get(User, user_id) if user_id else None
    _token, text = services.create_token(name, scopes, user=user, expires_at=expires_at)
    db.session.commit()
    return text


def bearer(text: str, **headers) -> dict[str, str]:
    return {"Authorization": f"Bearer {text}", **headers}


def ticket_body(**changes) -> dict:
    body = {
        "channel": "web",
        "subject": "Bygglov för altan",
        "text": "Behöver jag bygglov för en altan på 20 kvadratmeter?",
        "citizen": {"name": "Eva Medborgare", "email": "eva@example.org"},
    }
    body.update(changes)
    return body
