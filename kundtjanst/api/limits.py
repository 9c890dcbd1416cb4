"""Requests per token: ``API_RATE_LIMIT`` (e.g. "600/minute") in the login
throttle's storage (Flask-Limiter's; Redis when several servers share it).

Every answer carries ``RateLimit-Limit``, ``RateLimit-Remaining``,
``RateLimit-Reset`` (seconds until the window frees a request) and
``RateLimit-Policy``; a refusal (429) also ``Retry-After``. A storage that fails
lets the call through (and says so in the log): a Redis outage must not stop the
phone system's call events.
"""

from __future__ import annotations

import logging
import math
import time

from flask import current_app, g
from limits import parse
from webargs.flaskparser import abort as abort_with

from ..auth.throttle import EXTENSION

log = logging.getLogger(__name__)
SCOPE = "api-token"


def check(token) -> None:
    limiter = current_app.extensions[EXTENSION]
    if not limiter.enabled:  # RATELIMIT_ENABLED: off, as for the logins
        return
    item = parse(current_app.config["API_RATE_LIMIT"])
    keys = (current_app.config.get("RATELIMIT_KEY_PREFIX") or "", SCOPE, str(token.id))
    try:
        allowed = limiter.limiter.hit(item, *keys)
        reset_at, remaining = limiter.limiter.get_window_stats(item, *keys)
    except Exception:
        log.warning("The API rate limit's storage failed; the call is let through", exc_info=True)
        return
    seconds = max(0, math.ceil(reset_at - time.time()))
    g.api_rate = {
        "RateLimit-Limit": str(item.amount),
        "RateLimit-Remaining": str(max(0, remaining)),
        "RateLimit-Reset": str(seconds),
        "RateLimit-Policy": f"{item.amount};w={item.get_expiry()}",
    }
    if not allowed:
        abort_with(429, headers={**g.api_rate, "Retry-After": str(max(1, seconds))})


def add_headers(response) -> None:
    for name, value in (g.get("api_rate") or {}).items():
        response.headers.setdefault(name, value)
