"""Every API blueprint is made here, so that none can forget the token check, the rate
limit and the audit entry."""

from __future__ import annotations

from flask_smorest import Blueprint

from . import auth

PREFIX = "/api/v1"


def blueprint(name: str, description: str) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix=PREFIX, description=description)
    bp.before_request(auth.authenticate)
    bp.after_request(auth.record_call)
    return bp
