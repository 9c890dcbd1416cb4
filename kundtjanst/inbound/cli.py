"""``flask mail fetch``: one pass over the mailbox (added to the ``mail`` group by the
application factory)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .fetch import run_pass


@click.command("fetch")
@with_appcontext
def fetch_command() -> None:
    """Read the mailbox now: every unseen message becomes a ticket, a message on its
    ticket, or waits in the quarantine (the job mail.fetch does it every minute)."""
    counts = run_pass()
    click.echo(", ".join(f"{state} {n}" for state, n in counts.items()))
