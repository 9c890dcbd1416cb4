"""Security headers on every response, and the reverse-proxy settings.

The pages use no JavaScript, no inline styles and nothing from another host, so
the Content-Security-Policy allows only this site's own files. A response that
already chose a stricter value (the status page's ``Referrer-Policy: no-referrer``)
keeps it.

Every page but the static files is ``Cache-Control: no-store``: staff pages, exports
and the citizen's status page carry personal data (and forms carry a CSRF token), and
neither a shared computer's browser cache nor a proxy on the way should keep them.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

# config key -> ProxyFix argument: how many proxies to trust for that header.
PROXY_FIX_SETTINGS = {
    "PROXY_FIX_X_FOR": "x_for",
    "PROXY_FIX_X_PROTO": "x_proto",
    "PROXY_FIX_X_HOST": "x_host",
    "PROXY_FIX_X_PORT": "x_port",
    "PROXY_FIX_X_PREFIX": "x_prefix",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    max_age = current_app.config["HSTS_MAX_AGE"]
    # Only over https: a browser ignores it over http, and a proxy may serve both. No
    # includeSubDomains: the municipality's other sites under the same name are not ours.
    if request.is_secure and max_age > 0:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response


def trusted_proxies(app: Flask) -> dict[str, int]:
    """ProxyFix's arguments from the configuration; empty when no proxy is trusted."""
    counts = {arg: int(app.config[key]) for key, arg in PROXY_FIX_SETTINGS.items()}
    if any(n < 0 for n in counts.values()):
        raise RuntimeError("The PROXY_FIX_X_* settings count proxies: 0 or more.")
    return counts if any(counts.values()) else {}


def init_app(app: Flask) -> None:
    proxies = trusted_proxies(app)
    if proxies:
        # Only then do X-Forwarded-* headers count: the client's address (login
        # throttling), https (secure requests, HSTS) and the host (links to the status
        # page). Without a proxy in front they would be whatever a client claims.
        app.wsgi_app = ProxyFix(app.wsgi_app, **proxies)
    app.after_request(add_security_headers)
