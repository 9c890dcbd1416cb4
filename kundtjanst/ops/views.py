"""/healthz and /readyz, for load balancers and orchestrators: no login, no session,
no personal data; JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.timeutil import utcnow
from . import queries

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers. Nothing else is asked: a database outage must not make an
    orchestrator restart every web server."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database answers, the schema is at head, and a scheduler
    holds the job lease (503 with the reasons otherwise)."""
    checks = queries.readiness(utcnow())
    ready = all(c.ok for c in checks.values())
    response = jsonify(
        status="ready" if ready else "not ready",
        checks={name: {"ok": c.ok, "detail": c.detail} for name, c in checks.items()},
    )
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
