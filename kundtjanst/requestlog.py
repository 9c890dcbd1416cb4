"""A request id on every request and every log line; log lines as JSON on request.

Each request gets an id: the ``X-Request-Id`` a proxy sent (when it is a plausible id:
1–64 letters, digits, ``-``, ``_``, ``.``), else a new one. It is in the answer's
``X-Request-Id`` header and in ``record.request_id`` of every log line written while
the request runs, so one line of a citizen's complaint ("it said error, id …") finds
every log line of that request, on whichever server.

``KUNDTJANST_LOG_FORMAT=json`` writes the application's log lines (and gunicorn's, see
`logmask.GunicornLogger`) one JSON object a line: time (UTC), level, logger, message,
request_id, and the traceback when there is one. The status tokens are masked before
(`logmask`), as in the text format.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

HEADER = "X-Request-Id"
_PLAUSIBLE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_id() -> str:
    if has_request_context():
        return g.get("request_id") or "-"
    return "-"


class RequestId(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        if isinstance(record.args, dict):  # gunicorn's access log: its atoms, the header's too
            request_id = record.args.get("{x-request-id}o") or request_id
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id or current_id(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


REQUEST_ID = RequestId()


def _assign() -> None:
    offered = request.headers.get(HEADER, "")
    g.request_id = offered if _PLAUSIBLE.match(offered) else uuid.uuid4().hex


def _answer(response):
    response.headers[HEADER] = g.get("request_id") or ""
    return response


def use_json(handler: logging.Handler) -> None:
    handler.setFormatter(JsonFormatter())
    handler.addFilter(REQUEST_ID)


def install(app: Flask) -> None:
    app.before_request(_assign)
    app.after_request(_answer)
    app.logger.addFilter(REQUEST_ID)
    default_handler.addFilter(REQUEST_ID)
    if app.config["LOG_FORMAT"] == "json":
        use_json(default_handler)
    elif app.config["LOG_FORMAT"] != "text":
        raise RuntimeError(f"LOG_FORMAT must be text or json, not {app.config['LOG_FORMAT']!r}")
