"""Jinja filters and globals."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from flask import Flask, request, url_for
from flask_babel import get_locale

from . import labels, locales
from .core.mailtext import split_quoted
from .core.timeutil import local
from .permissions import may
from .tickets.sla import clock as sla_clock


def localtime(value: datetime | None, fmt: str | None = None) -> str:
    """A UTC instant shown in Stockholm time, as the page's language writes it (the
    locale's short date and time, "2026-12-05 21:40", "5.12.2026 21.40"), or in a
    CLDR pattern given (``"yyyy-MM-dd"``)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    locale = locales.formats()
    pattern = fmt or _short(locale)
    numeric = _numeric(pattern)
    if numeric is not None:
        # Digits and separators only: what Babel gives for such a pattern, without
        # parsing the pattern again for every row of a list.
        return numeric(local(value))
    return format_datetime(local(value), pattern, tzinfo=local(value).tzinfo, locale=locale)


@lru_cache(maxsize=32)
def _short(locale: Locale) -> str:
    """The locale's short date and time as one pattern ("y-MM-dd HH:mm")."""
    date, time = locale.date_formats["short"].pattern, locale.time_formats["short"].pattern
    return str(locale.datetime_formats["short"]).replace("{1}", date).replace("{0}", time)


# CLDR fields that are plain digits: each as a function of the local time.
_FIELDS = {
    "y": lambda t: str(t.year),
    "yyyy": lambda t: f"{t.year:04d}",
    "M": lambda t: str(t.month),
    "MM": lambda t: f"{t.month:02d}",
    "d": lambda t: str(t.day),
    "dd": lambda t: f"{t.day:02d}",
    "H": lambda t: str(t.hour),
    "HH": lambda t: f"{t.hour:02d}",
    "mm": lambda t: f"{t.minute:02d}",
    "ss": lambda t: f"{t.second:02d}",
}
_TOKEN = re.compile(r"([A-Za-z])\1*|'[^']*'|[^A-Za-z']+")


@lru_cache(maxsize=64)
def _numeric(pattern: str):
    """``pattern`` as a fast formatter when all its fields are digits, else None."""
    parts: list = []
    for match in _TOKEN.finditer(pattern):
        token = match.group(0)
        if token[0].isalpha():
            field = _FIELDS.get(token)
            if field is None:
                return None
            parts.append(field)
        else:
            parts.append(token.strip("'") if token.startswith("'") else token)

    def write(value: datetime) -> str:
        return "".join(part if isinstance(part, str) else part(value) for part in parts)

    return write


def iso_local(value: datetime | None) -> str:
    return local(value).isoformat(timespec="minutes") if value else ""


def percent(value: float | None) -> str:
    """0.705 → "70,5 %" in Swedish; "–" when there is nothing to divide."""
    if value is None:
        return "–"
    scaled = value * 100
    if 0 <= scaled < 1000:
        # Shares: what Babel's #,##0.0 gives below a thousand (the decimal text of
        # the number rounded half to even, the locale's decimal sign), done cheaply.
        rounded = Decimal(str(scaled)).quantize(_TENTH)
        text = f"{rounded:f}".replace(".", _symbols(locales.formats())[1])
    else:
        text = format_decimal(scaled, format="#,##0.0", locale=locales.formats())
    return text + "\u00a0%"


_TENTH = Decimal("0.1")


def number(value: int | float | None) -> str:
    if value is None:
        return "–"
    if type(value) is int and value >= 0:
        # Counts: the dashboard shows hundreds per page. Python groups by three
        # digits as the pattern #,##0 does, with the locale's separator; what
        # Babel gives, several times faster.
        return f"{value:,}".replace(",", _symbols(locales.formats())[0])
    return format_decimal(value, format="#,##0", locale=locales.formats())


@lru_cache(maxsize=16)
def _symbols(locale) -> tuple[str, str]:
    """The locale's group separator and decimal sign."""
    return get_group_symbol(locale), get_decimal_symbol(locale)


def working_duration(minutes: int | None) -> str:
    """Working minutes as "1 h 25 min"."""
    if minutes is None:
        return "–"
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return f"{hours}\u00a0h {rest}\u00a0min"
    if hours:
        return f"{hours}\u00a0h"
    return f"{rest}\u00a0min"


def url_with(**changes) -> str:
    """This page's address with some query parameters changed: the pager's and the
    sort links' targets. The request's parameters go into the query string as they
    came, never into ``url_for``'s keywords, where a parameter named ``endpoint``,
    ``_method``, ``_external`` or ``_anchor`` would break or redirect the link."""
    args = request.args.copy()
    for key, value in changes.items():
        args.setlist(key, [str(value)])
    path = url_for(request.endpoint, **(request.view_args or {}))
    query = urlencode(list(args.items(multi=True)))
    return f"{path}?{query}" if query else path


def register(app: Flask) -> None:
    app.add_template_filter(percent, "percent")
    app.add_template_filter(number, "number")
    app.add_template_filter(working_duration, "working_duration")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(iso_local, "iso_local")
    app.add_template_filter(split_quoted, "split_quoted")  # templates/inbound/_mail_text.html
    app.jinja_env.globals["labels"] = labels
    app.add_template_global(sla_clock, "sla_clock")
    app.add_template_global(may, "may")
    app.add_template_global(url_with, "url_with")
    app.jinja_env.globals["get_locale"] = get_locale
    app.add_template_global(locales.page, "page_language")
    app.add_template_global(locales.links, "language_links")
    app.add_template_global(locales.is_citizen_page, "is_citizen_page")
    # A language's name in the page's language: the citizen's, on tickets and rules.
    app.add_template_filter(locales.name_here, "language_name")
    app.jinja_env.globals["municipality"] = app.config["MUNICIPALITY"]
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
