"""Jinja filters and globals."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import Flask, request, url_for
from flask_babel import format_datetime, format_decimal, get_locale

from . import labels, locales
from .core.mailtext import split_quoted
from .core.timeutil import local
from .permissions import may
from .tickets.sla import clock as sla_clock


def localtime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC instant shown in Stockholm time."""
    if value is None:
        return ""
    numeric = _NUMERIC_PATTERNS.get(fmt)
    if numeric is not None:
        # Digits and dashes only, the same in every locale: what Babel gives for these
        # patterns, without parsing the pattern again for every row of a list.
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return local(value).strftime(numeric)
    return format_datetime(value, fmt)


_NUMERIC_PATTERNS = {
    "yyyy-MM-dd HH:mm": "%Y-%m-%d %H:%M",
    "yyyy-MM-dd HH:mm:ss": "%Y-%m-%d %H:%M:%S",
    "yyyy-MM-dd": "%Y-%m-%d",
    "HH:mm": "%H:%M",
    "HH:mm:ss": "%H:%M:%S",
}


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
        text = f"{rounded:f}".replace(".", _symbols(get_locale())[1])
    else:
        text = format_decimal(scaled, format="#,##0.0")
    return text + "\u00a0%"


_TENTH = Decimal("0.1")


def number(value: int | float | None) -> str:
    if value is None:
        return "–"
    if type(value) is int and value >= 0:
        # Counts: the dashboard shows hundreds per page. Python groups by three
        # digits as the pattern #,##0 does, with the locale's separator; what
        # Babel gives, several times faster.
        return f"{value:,}".replace(",", _symbols(get_locale())[0])
    return format_decimal(value, format="#,##0")


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
