"""``flask api token create|list|revoke``: API tokens from the command line."""

from __future__ import annotations

from datetime import datetime, time

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import func, select

from ..auth.models import User
from ..core.apitokens import SCOPES
from ..core.timeutil import STOCKHOLM
from ..extensions import db
from . import services
from .errors import ApiError
from .models import ApiToken

api_cli = AppGroup("api", help="The REST API.")
token_cli = AppGroup("token", help="API tokens.")
api_cli.add_command(token_cli)


def _end_of(day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), STOCKHOLM)


@token_cli.command("create")
@click.option("--name", required=True, help="The integration, e.g. e-tjanster.")
@click.option("--user", "email", help="The token acts as this user (and never beyond).")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help=f"Repeat for several: {', '.join(SCOPES)}, confidential:<group slug>.",
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last valid day (default: a year from now).",
)
def create_command(name: str, email: str | None, scopes: tuple[str, ...], expires) -> None:
    """Make a token and print it, once: only its hash is kept."""
    user = None
    if email:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if user is None:
            raise click.ClickException(f"No user with the e-mail {email}.")
    try:
        with force_locale("en"):
            token, text = services.create_token(
                name, scopes, user=user, expires_at=_end_of(expires.date()) if expires else None
            )
    except ApiError as error:
        db.session.rollback()
        with force_locale("en"):
            raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(text)
    click.echo(
        f"Token {token.id} '{token.name}' ({', '.join(token.scopes)}), valid until "
        f"{token.expires_at.astimezone(STOCKHOLM):%Y-%m-%d}. It is shown only now.",
        err=True,
    )


@token_cli.command("list")
def list_command() -> None:
    """Every token: id, name, user, scopes, expiry, last use, revoked."""
    for t in db.session.scalars(select(ApiToken).order_by(ApiToken.id)):
        state = "revoked" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        who = t.user.email if t.user else "-"
        click.echo(
            f"{t.id}\t{t.name}\t{t.hint}\t{who}\t{' '.join(t.scopes)}\t"
            f"{t.expires_at:%Y-%m-%d}\tused {used}\t{state}"
        )


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke a token at once."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None:
        raise click.ClickException(f"No token {token_id}.")
    services.revoke(token)
    db.session.commit()
    click.echo(f"Revoked token {token.id} '{token.name}'.")
