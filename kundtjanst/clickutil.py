"""Options the commands share (the commands themselves live in each feature's cli.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click

from .core.timeutil import parse_instant


def _instant(_ctx, _param, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError as error:
        raise click.BadParameter("use ISO 8601, e.g. 2026-11-27T14:00:00+00:00") from error


def now_option(command: Callable) -> Callable:
    """A hidden ``--now``: pretend it is this UTC time (tests, and replaying a night)."""
    return click.option(
        "--now", callback=_instant, hidden=True, help="Pretend it is this UTC time."
    )(command)
