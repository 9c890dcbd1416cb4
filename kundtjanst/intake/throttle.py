"""Rate limits on the public surfaces: questions on /fraga and messages on a status
page, per client address (the login's limiter, `auth.throttle`, shared through Redis
where configured). Only what was taken counts: a form sent back with errors costs
nothing. Past the limit the page answers 429 with a message in plain Swedish."""

from __future__ import annotations

from flask import Flask, current_app

from ..auth.throttle import EXTENSION, client_address
from ..lazytext import lazy_gettext as _l

# endpoint -> (the configuration key of its limit, the message once it is reached)
LIMITED = {
    "intake.ask": (
        "QUESTION_LIMIT_PER_ADDRESS",
        _l(
            "Many questions have been sent from this computer in a short time. Wait a "
            "while and try again, or call customer service."
        ),
    ),
    # Self-service answers are counted on the dashboard: not by the thousand.
    "intake.found_answer": (
        "QUESTION_LIMIT_PER_ADDRESS",
        _l(
            "Many answers have been sent from this computer in a short time. Wait a "
            "while and try again, or call customer service."
        ),
    ),
    "intake.status": (
        "MESSAGE_LIMIT_PER_ADDRESS",
        _l(
            "Many messages have been sent from this computer in a short time. Wait a "
            "while and try again, or call customer service."
        ),
    ),
}


def _taken(response) -> bool:
    """A question or message was stored: the page redirects to its receipt."""
    return response.status_code == 302


def init_app(app: Flask) -> None:
    limiter = app.extensions[EXTENSION]
    for endpoint, (key, message) in LIMITED.items():
        app.view_functions[endpoint] = limiter.limit(
            lambda key=key: current_app.config[key],
            key_func=client_address,
            scope=endpoint,
            methods=["POST"],
            deduct_when=_taken,
            error_message=lambda message=message: str(message),
        )(app.view_functions[endpoint])
