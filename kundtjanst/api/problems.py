"""Errors as RFC 9457 problem details (``application/problem+json``).

Every answer the API gives that is not a success is one of these, from a refused
token to a 500: ``type`` (always ``about:blank``: the status says what happened),
``title`` (in Swedish or English by ``Accept-Language``), ``status``, ``detail``
and, for invalid input, ``errors``: every field that was wrong, with what was
wrong with it (``field`` is a dotted path: ``citizen.email``; ``json`` is the
body as a whole).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from flask import Response, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..extensions import db

PROBLEM = "application/problem+json"


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
        503: _("Service unavailable"),
    }


def _details() -> dict[int, str]:
    return {
        401: _("Send a valid API token: Authorization: Bearer <token>."),
        404: _("There is nothing at this address, or the token may not see it."),
        405: _("That method is not possible here."),
        409: _("Someone else changed this at the same time. Fetch it again and retry."),
        413: _("The request body is too large."),
        415: _("Send the body as application/json."),
        429: _("Too many requests with this token. Wait as long as Retry-After says."),
        500: _("An error occurred on our side. Please try again."),
    }


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status, _("Error")),
        "status": status,
        "detail": str(detail) if detail else _details().get(status, _titles().get(status, "")),
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages: Any, path: str = "") -> list[dict[str, str]]:
    """marshmallow/webargs messages (nested dicts of lists) as a flat list of fields.
    The location (``json``, ``query``, ``headers``) is left out of the path."""
    if isinstance(messages, Mapping):
        found = []
        for key, value in messages.items():
            name = str(key)
            if not path and name in ("json", "query", "headers", "view_args", "form"):
                found += field_errors(value, "")
                continue
            if name == "_schema":
                name = ""
            found += field_errors(value, f"{path}.{name}".strip(".") if name else path)
        return found
    if isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            return [{"field": path or "json", "message": str(m)} for m in messages]
        found = []
        for m in messages:
            found += field_errors(m, path)
        return found
    return [{"field": path or "json", "message": str(messages)}]


def from_http_exception(error: HTTPException) -> Response:
    db.session.rollback()
    data = getattr(error, "data", None) or {}
    code = error.code or 500
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    if "messages" in data:  # webargs: the input did not match the schema
        return problem(
            422,
            _("The request has invalid fields; see errors."),
            errors=field_errors(data["messages"]),
            headers=headers,
        )
    detail = data.get("message") or (
        error.description if getattr(error, "show_detail", False) else None
    )
    return problem(code, detail, errors=data.get("errors"), headers=headers)


def invalid(*fields: tuple[str, str]) -> NoReturn:
    """Refuse the request (422) naming each wrong field and what is wrong with it: for
    what only the application can know (a subject area that does not exist), beyond
    what the schemas check."""
    from webargs.flaskparser import abort as abort_with

    abort_with(
        422,
        message=_("The request has invalid fields; see errors."),
        errors=[{"field": field, "message": str(message)} for field, message in fields],
    )


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")
