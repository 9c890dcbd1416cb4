"""Jinja filters and globals."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale

from . import labels
from .timeutil import local


def localtime(value: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A UTC instant shown in Stockholm time."""
    if value is None:
        return ""
    return format_datetime(value, fmt)


def iso_local(value: datetime | None) -> str:
    return local(value).isoformat(timespec="minutes") if value else ""


def register(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_filter(iso_local, "iso_local")
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["municipality"] = app.config["MUNICIPALITY"]
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
