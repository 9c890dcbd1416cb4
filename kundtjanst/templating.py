"""Jinja filters and globals."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, format_decimal, get_locale

from . import labels
from .tickets.sla import clock as sla_clock
from .timeutil import local


def localtime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC instant shown in Stockholm time."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def iso_local(value: datetime | None) -> str:
    return local(value).isoformat(timespec="minutes") if value else ""


def percent(value: float | None) -> str:
    """0.705 → "70,5 %" in Swedish; "–" when there is nothing to divide."""
    if value is None:
        return "–"
    return format_decimal(value * 100, format="#,##0.0") + "\u00a0%"


def number(value: int | float | None) -> str:
    return "–" if value is None else format_decimal(value, format="#,##0")


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


def register(app: Flask) -> None:
    app.add_template_filter(percent, "percent")
    app.add_template_filter(number, "number")
    app.add_template_filter(working_duration, "working_duration")
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(iso_local, "iso_local")
    app.jinja_env.globals["labels"] = labels
    app.add_template_global(sla_clock, "sla_clock")
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["municipality"] = app.config["MUNICIPALITY"]
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
