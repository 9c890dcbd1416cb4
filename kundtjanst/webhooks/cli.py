"""``flask webhooks send``: one delivery pass."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .sending import deliver

webhooks_cli = AppGroup("webhooks", help="Signed webhooks to other systems.")


@webhooks_cli.command("send")
def send_command() -> None:
    """Send the deliveries due now (the job webhooks.send does it every 30 seconds)."""
    counts = deliver()
    click.echo(", ".join(f"{state} {n}" for state, n in counts.items()))
