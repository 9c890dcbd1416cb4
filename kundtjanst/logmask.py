"""The citizen's status link (``/arende/<token>``) kept out of the logs.

The token is the key to a ticket: whoever reads it in a log line can read the
ticket and write to it. `mask_status_tokens` replaces it with ``[token]``, in the
request line, the path, the query string and the referer alike; it is the one
masking function. `MaskStatusTokens` applies it to every record of a logger:

- gunicorn: ``logger_class = "kundtjanst.logmask.GunicornLogger"`` (gunicorn.conf.py)
  masks its access log and its error log;
- werkzeug's development server (``flask run``, ``make run``) and the application's
  own logger: `install`, called by the application factory.

(The module is not called ``logging``: that would shadow the standard library.)
"""

from __future__ import annotations

import logging
import os
import re

from flask import Flask
from gunicorn import glogging

# "/arende/" (or "%2Farende%2F" inside a query string) and the whole path segment after it.
_STATUS_TOKEN = re.compile(r"((?:/|%2[Ff])arende(?:/|%2[Ff]))[^/?#&\s\"']+")
MASKED = r"\1[token]"


def mask_status_tokens(text: str) -> str:
    """``text`` with every status token replaced: "/arende/[token]"."""
    return _STATUS_TOKEN.sub(MASKED, text)


class MaskStatusTokens(logging.Filter):
    """Masks the status tokens in a record's message (formatted with its arguments)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_status_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


# One instance, so that adding it to a logger twice adds it once.
MASK = MaskStatusTokens()


def install(app: Flask) -> None:
    """Mask the tokens in werkzeug's request log (the development server) and in the
    application's own log lines ("Exception on /arende/… [GET]")."""
    logging.getLogger("werkzeug").addFilter(MASK)
    app.logger.addFilter(MASK)


class GunicornLogger(glogging.Logger):
    """gunicorn's logger, with the status tokens masked in the access and error logs."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.access_log.addFilter(MASK)
        self.error_log.addFilter(MASK)
        if os.environ.get("KUNDTJANST_LOG_FORMAT") == "json":
            from .requestlog import use_json

            for handler in (*self.access_log.handlers, *self.error_log.handlers):
                use_json(handler)
