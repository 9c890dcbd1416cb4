"""Who is calling: a bearer token in ``Authorization``, nothing else.

Session cookies never authenticate the API: nothing here reads the session, so a
page in a browser cannot make a call on a signed-in user's behalf (the API needs no
CSRF token because it takes none of a browser's credentials).
"""

from __future__ import annotations

import logging

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from webargs.flaskparser import abort as abort_with

from ..core.timeutil import utcnow
from ..errors import sends_a_body
from . import limits, services
from .models import ApiToken

log = logging.getLogger(__name__)

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _refuse(detail: str, error: str = "invalid_token"):
    abort_with(
        401,
        message=detail,
        headers={"WWW-Authenticate": f'Bearer realm="api", error="{error}"'},
    )


def authenticate() -> None:
    """``before_request`` of every API blueprint."""
    scheme, _sep, text = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not text.strip():
        abort_with(
            401,
            message=_("Send a valid API token: Authorization: Bearer <token>."),
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    token = services.find(text.strip())
    now = utcnow()
    if token is None:
        _refuse(_("The token is not valid."))
    if token.revoked_at is not None:
        _refuse(_("The token has been revoked."))
    if token.expires_at <= now:
        _refuse(_("The token has expired."))
    if token.user is not None and not token.user.active:
        _refuse(_("The token's user is no longer active."))
    g.api_token = token
    limits.check(token)
    if request.method in _BODY_METHODS:
        request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]
        if request.content_length and request.content_length > request.max_content_length:
            abort(413)
        if sends_a_body() and request.mimetype != "application/json":
            abort(415)


def record_call(response):
    """``after_request``: the call in the audit log with the token's name, and the
    token's last use; committed here, whatever the view did."""
    token: ApiToken | None = g.get("api_token")
    if token is None:
        return response
    limits.add_headers(response)
    from ..extensions import db

    try:
        services.used(
            token,
            method=request.method,
            path=request.path,
            status=response.status_code,
            now=utcnow(),
        )
        db.session.commit()
    except Exception:  # the answer stands; the database said no to the bookkeeping
        db.session.rollback()
        log.exception("Could not record an API call")
    return response


def current_token() -> ApiToken:
    return g.api_token


def require(scope: str) -> ApiToken:
    """The calling token, if it has ``scope``; else 403."""
    token = current_token()
    if scope not in token.scopes:
        abort_with(403, message=_("The token lacks the scope %(scope)s.", scope=scope))
    return token
