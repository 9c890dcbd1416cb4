"""/healthz and /readyz, for load balancers and orchestrators: no login, no session,
no personal data; JSON. /metrics for Prometheus, from allowed networks or with the
metrics token."""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from ..core.netguard import parse_networks
from ..core.timeutil import utcnow
from . import metrics, queries

bp = Blueprint("ops", __name__)

# Every request's latency, by endpoint (kundtjanst/ops/metrics.py).
bp.before_app_request(metrics.start_timer)
bp.after_app_request(metrics.observe_response)
bp.teardown_app_request(metrics.observe_teardown)


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


FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def _from_allowed_network() -> bool:
    """Is the client in METRICS_ALLOW_NETWORKS? A request a proxy forwarded, when no
    proxy is trusted (PROXY_FIX_X_FOR=0), comes from the proxy's address (often
    loopback) whoever sent it: the network does not count then."""
    if not current_app.config["PROXY_FIX_X_FOR"] and any(
        header in request.headers for header in FORWARDING_HEADERS
    ):
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    networks = parse_networks(current_app.config["METRICS_ALLOW_NETWORKS"])
    return any(address in network for network in networks)


def _with_token() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


@bp.get("/metrics")
def metrics_page():
    """Prometheus' text format. From a network in METRICS_ALLOW_NETWORKS, or with
    ``Authorization: Bearer <METRICS_TOKEN>``; to anyone else it does not exist (404)."""
    if not (_with_token() or _from_allowed_network()):
        abort(404)
    response = Response(metrics.exposition(), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
