"""``flask users create``: staff users from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from .models import Role
from .services import UserError, create_user, groups_by_slug

users_cli = AppGroup("users", help="Manage staff users.")


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
