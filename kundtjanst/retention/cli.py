"""``flask retention run [--dry-run]``."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from ..clickutil import now_option
from ..core.timeutil import local, utcnow
from ..extensions import db
from .services import BATCH, anonymise_expired

retention_cli = AppGroup("retention", help="Retention (gallring) of citizens' personal data.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be anonymised.")
@now_option
def run_command(dry_run: bool, now: datetime | None) -> None:
    """Anonymise citizens' personal data on tickets closed longer ago than their
    subject area's retention time, keeping every figure the statistics use."""
    try:
        result = anonymise_expired(
            now or utcnow(), dry_run=dry_run, batch=BATCH, after_batch=db.session.commit
        )
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    verb = "Would anonymise" if dry_run else "Anonymised"
    for c in result.categories:
        click.echo(
            f"{c.name or '(no subject area)'}: {c.tickets:,} tickets closed before "
            f"{local(c.cutoff):%Y-%m-%d} ({c.months} months), {c.events:,} timeline texts"
        )
    click.echo(f"Attached files {'to delete' if dry_run else 'deleted'}: {result.attachments:,}.")
    click.echo(f"E-mails {'to empty' if dry_run else 'emptied'}: {result.mails:,}.")
    click.echo(f"Phone calls {'to anonymise' if dry_run else 'anonymised'}: {result.calls:,}.")
    click.echo(f"{verb} {result.tickets:,} tickets and {result.events:,} timeline texts.")
