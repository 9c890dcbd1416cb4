"""``flask stats rebuild``."""

from __future__ import annotations

from datetime import date, timedelta

import click
from flask.cli import AppGroup

from ..core.statistics import Period
from ..core.timeutil import local_today
from ..extensions import db
from .queries import first_ticket_day
from .services import build_all

stats_cli = AppGroup("stats", help="Daily statistics behind the dashboard.")


def days_until_yesterday(start: date) -> list[date]:
    return list(Period(start, local_today() - timedelta(days=1)).each_day())


@stats_cli.command("rebuild")
@click.option(
    "--from",
    "start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="First day to rebuild (YYYY-MM-DD). Default: the day of the first ticket.",
)
def rebuild_command(start) -> None:
    """Rebuild the daily statistics rows up to and including yesterday."""
    first = start.date() if start else first_ticket_day()
    if first is None:
        click.echo("No tickets; nothing to build.")
        return
    days = days_until_yesterday(first)
    with click.progressbar(length=len(days), label="Building days", show_pos=True) as bar:

        def committed(count: int) -> None:
            db.session.commit()
            bar.update(count)

        rows = build_all(days, after_chunk=committed)
    click.echo(
        f"Built {len(days)} days ({rows} rows) from {first} to {days[-1] if days else first}."
    )
