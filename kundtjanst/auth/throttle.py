"""Throttling of failed logins, per account and per client address (Flask-Limiter).

A password checked and found wrong — at the login, for a known or an unknown
e-mail, or as the current password on the password-change page — counts once
against the account (the e-mail, trimmed and lower-cased) and once against the
client's address (``request.remote_addr``: behind a proxy set PROXY_FIX_X_FOR, or
every client shares the proxy's address). When either limit (LOGIN_LIMIT_PER_ACCOUNT,
LOGIN_LIMIT_PER_ADDRESS) is reached, the page answers 429 before anything is looked
up: the same answer for every e-mail, so it tells nothing about which accounts
exist. A successful login costs nothing, and neither does a form sent incomplete.

The counts live in RATELIMIT_STORAGE_URI: ``memory://`` counts per process;
several servers share one Redis (``redis://host:6379/0``).

Each application gets a Limiter of its own: Flask-Limiter keeps its storage and
settings on the instance, and the tests run several applications in one process.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable

from flask import Flask, current_app, g, make_response, request
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import current_user
from limits import parse_many

from ..errors import render_error
from ..lazytext import lazy_gettext as _l

EXTENSION = "kundtjanst.limiter"
ACCOUNT_SCOPE = "password-account"
ADDRESS_SCOPE = "password-address"

log = logging.getLogger(__name__)


def client_address() -> str:
    return request.remote_addr or "unknown"


def _account(email: str | None) -> str:
    """The bucket of an e-mail. The login matches e-mails case-insensitively, so every
    spelling of one account counts together. Kept as a keyed hash: what was typed
    (perhaps a password in the wrong field) is never stored. Empty when no e-mail was
    given: Flask-Limiter then skips the limit."""
    email = (email or "").strip().lower()
    if not email:
        return ""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()[:32]


def account_from_form() -> str:
    """The e-mail as the login form reads it: the first ``email`` form field. A body
    that is no form never gets here (errors.refuse_other_bodies), and the form reads
    nothing else: the form never sees an e-mail the throttle does not count."""
    return _account(request.form.get("email"))


def account_of_current_user() -> str:
    return _account(getattr(current_user, "email", None))


def password_failed() -> None:
    """A view calls this when it has checked a password and it was wrong."""
    g.password_failed = True


def _deduct(_response) -> bool:
    return bool(g.get("password_failed"))


# endpoint -> (whose account a failure counts against, the message once throttled)
THROTTLED: dict[str, tuple[Callable[[], str], object]] = {
    "auth.login": (
        account_from_form,
        _l("Too many login attempts. Wait a while and try again."),
    ),
    "auth.change_password": (
        account_of_current_user,
        _l("Too many attempts with a wrong password. Wait a while and try again."),
    ),
}


def _per_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _per_address() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ADDRESS"]


def too_many_attempts(error: RateLimitExceeded):
    response = make_response(render_error(429, str(error.description or _("Too many attempts."))))
    limiter = current_app.extensions[EXTENSION]
    try:
        reset_at = limiter.current_limit.reset_at if limiter.current_limit else None
    except Exception:  # the storage failed just now: leave the header out
        reset_at = None
    if reset_at:
        response.headers["Retry-After"] = str(max(1, int(reset_at - time.time())))
    return response


def init_app(app: Flask) -> None:
    options = {}
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A Redis that hangs must not hang the login: fail fast, then count in memory.
        options = {"socket_connect_timeout": 2, "socket_timeout": 2}
    limiter = Limiter(key_func=client_address, storage_options=options)
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    for endpoint, (account_key, message) in THROTTLED.items():
        view = app.view_functions[endpoint]
        limits = (
            (ACCOUNT_SCOPE, _per_account, account_key),
            (ADDRESS_SCOPE, _per_address, client_address),
        )
        for scope, limit, key in limits:
            # Shared scopes: the login and the password change count in the same buckets.
            view = limiter.shared_limit(
                limit,
                scope=scope,
                key_func=key,
                methods=["POST"],
                deduct_when=_deduct,
                error_message=lambda message=message: str(message),
            )(view)
        app.view_functions[endpoint] = view
    app.register_error_handler(RateLimitExceeded, too_many_attempts)


def unlock_account(email: str) -> bool:
    """Forget the failed attempts counted against ``email``: an administrator has
    given the account a new password, so its owner may log in at once. With the
    default ``memory://`` storage only this process's counts go (another worker's
    stay until their window passes); with Redis, every server's. Counts per address
    stay. False when the storage could not be reached (the new password still holds)."""
    limiter = current_app.extensions[EXTENSION]
    key = _account(email)
    if not key or not limiter.enabled:
        return True
    # The identifiers Flask-Limiter counts a shared limit under: its key prefix (when
    # set), the key, the scope.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    identifiers = [prefix, key, ACCOUNT_SCOPE] if prefix else [key, ACCOUNT_SCOPE]
    try:
        for item in parse_many(_per_account()):
            limiter.limiter.clear(item, *identifiers)
    except Exception:  # a storage that is down must not undo the password reset
        log.warning("Could not clear the login throttle of an account", exc_info=True)
        return False
    return True


def reset(app: Flask) -> None:
    """Forget every count (tests, or an administrator's shell after a lock-out)."""
    app.extensions[EXTENSION].reset()
