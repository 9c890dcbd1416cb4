"""A request id on every answer and log line; JSON log lines on request."""

from __future__ import annotations

import io
import json
import re

import pytest
from flask import current_app
from flask.logging import default_handler

from kundtjanst import requestlog
from kundtjanst.extensions import db

from .conftest import make_app


def test_every_answer_has_a_request_id(client):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/fraga").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


@pytest.mark.parametrize(
    "offered, kept",
    [
        ("abc-123.DEF_9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("a b", False),
        ("<script>", False),
        ("", False),
    ],
)
def test_a_proxys_id_is_kept_when_plausible(client, offered, kept):
    answer = client.get("/healthz", headers={"X-Request-Id": offered})
    assert (answer.headers["X-Request-Id"] == offered) is kept
    assert "\n" not in answer.headers["X-Request-Id"]


@pytest.fixture
def json_app(database_url):
    made = make_app(database_url, LOG_FORMAT="json")
    made.add_url_rule("/_logtest/<path:rest>", "logtest", _log_something)
    # Flask adds its handler when nothing else handles the logger's records; under pytest
    # its log capture does, so the handler is added here as a server would have it.
    made.logger.addHandler(default_handler)
    yield made
    made.logger.removeHandler(default_handler)
    default_handler.setFormatter(None)  # the handler is Flask's, shared by every app
    with made.app_context():
        db.engine.dispose()


def _log_something(rest):
    current_app.logger.warning("looked at /arende/%s", rest)
    try:
        raise ValueError("boom")
    except ValueError:
        current_app.logger.exception("it failed")
    return "ok"


def test_json_lines_carry_the_request_id_and_mask_status_tokens(json_app):
    stream = io.StringIO()
    answer = json_app.test_client().get("/_logtest/SECRETTOKEN123", errors_stream=stream)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["level"] for line in lines] == ["WARNING", "ERROR"]
    assert {line["request_id"] for line in lines} == {answer.headers["X-Request-Id"]}
    assert lines[0]["message"] == "looked at /arende/[token]"
    assert "SECRETTOKEN123" not in stream.getvalue()
    assert "ValueError: boom" in lines[1]["exception"]
    assert lines[0]["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_a_dash():
    record = requestlog.JsonFormatter().format(
        __import__("logging").LogRecord("x", 20, __file__, 1, "hello", None, None)
    )
    assert json.loads(record)["request_id"] == "-"


def test_an_unknown_format_stops_the_start(database_url):
    with pytest.raises(RuntimeError, match="LOG_FORMAT"):
        make_app(database_url, LOG_FORMAT="xml")


def test_gunicorns_access_line_takes_the_id_from_the_answer():
    """gunicorn logs the access line outside the request, with the response's headers
    among its atoms (access_log_format in gunicorn.conf.py ends with the id)."""
    import logging

    record = logging.LogRecord(
        "gunicorn.access",
        20,
        __file__,
        1,
        "%(r)s %({x-request-id}o)s",
        ({"r": "GET /healthz HTTP/1.1", "{x-request-id}o": "abc123"},),
        None,
    )
    line = json.loads(requestlog.JsonFormatter().format(record))
    assert line["request_id"] == "abc123"
    assert line["message"] == "GET /healthz HTTP/1.1 abc123"
