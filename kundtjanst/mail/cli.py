"""``flask mail send``: one delivery pass over the outbox."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .services import deliver

mail_cli = AppGroup("mail", help="The outbox of outgoing e-mail.")


@mail_cli.command("send")
def send_command() -> None:
    """Send what is waiting in the outbox now (the job mail.send does it every minute)."""
    counts = deliver()
    click.echo(", ".join(f"{state} {n}" for state, n in counts.items()))
