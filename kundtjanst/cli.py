"""Flask commands: ``flask users …`` and ``flask demo …``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .auth.models import Role
from .extensions import db

users_cli = AppGroup("users", help="Manage staff users.")
demo_cli = AppGroup("demo", help="Demo data for trying the system out.")


@users_cli.command("create")
@click.option("--email", required=True, help="Login e-mail address.")
@click.option("--name", required=True, help="Full name shown to colleagues.")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.STAFF.value,
    show_default=True,
    help="staff, manager or admin.",
)
@click.option(
    "--group", "groups", multiple=True, metavar="SLUG", help="Group membership; repeat for several."
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when not given.",
)
def create_user_command(
    email: str, name: str, role: str, groups: tuple[str, ...], password: str
) -> None:
    """Create a staff user who logs in with e-mail and password."""
    from .auth.services import UserError, create_user, groups_by_slug

    try:
        user = create_user(
            email=email,
            name=name,
            role=Role(role),
            password=password,
            groups=groups_by_slug(groups),
        )
    except UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


def register(app: Flask) -> None:
    from .demo.cli import register_demo_commands
    from .jobs.cli import scheduler_cli
    from .retention.cli import retention_cli
    from .stats.cli import stats_cli

    register_demo_commands(demo_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(retention_cli)
    app.cli.add_command(stats_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
