"""``flask demo seed`` and ``flask demo logins``."""

from __future__ import annotations

import random
import time
from datetime import datetime

import click
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..auth.models import User
from ..clickutil import now_option
from ..core.timeutil import local, utcnow
from ..core.vocabulary import GroupKind
from ..extensions import db
from ..org.models import Category, Group
from ..stats.services import build_until
from ..tickets.models import Ticket
from .knowledge import KnowledgeResult, seed_knowledge
from .municipality import DEMO_PASSWORD, build_municipality, demo_users
from .tickets import SeedResult, generate_tickets


def database_is_empty() -> bool:
    """No users, groups, categories or tickets: nothing a demo could collide with."""
    return all(
        db.session.scalar(select(model.id).limit(1)) is None
        for model in (User, Group, Category, Ticket)
    )


def seed_demo(
    tickets: int, seed: int, now: datetime | None = None, progress=None, days: int = 365
) -> tuple[dict[str, int], SeedResult, KnowledgeResult]:
    """Create Sjöstads kommun, ``tickets`` tickets and the knowledge base they used,
    in the current transaction."""
    org = build_municipality(generate_password_hash(DEMO_PASSWORD))  # hashed once for all
    result = generate_tickets(
        org, tickets, random.Random(seed), now or utcnow(), progress, days=days
    )
    knowledge = seed_knowledge(org, random.Random(f"knowledge-{seed}"), now or utcnow())
    return org.counts, result, knowledge


def build_statistics(now: datetime | None) -> int:
    """The daily statistics rows for every past day: what the nightly job, run now,
    builds. Returns the number of days."""
    return build_until(local(now or utcnow()).date())[0]


def _summary(
    counts: dict[str, int], result: SeedResult, knowledge: KnowledgeResult, seconds: float
) -> None:
    click.echo(
        "Created Sjöstads kommun: {departments} departments, {groups} groups, "
        "{categories} categories, {rules} routing rules, {users} users.".format(**counts)
    )
    click.echo(
        f"Created {result.tickets:,} tickets with {result.events:,} events "
        f"in {seconds:.1f} s: {result.resolved:,} resolved "
        f"({result.withdrawn:,} withdrawn), {result.open:,} open."
    )
    if result.counted:
        parts = []
        for stage, label in (
            (GroupKind.FRONTLINE, "by kundtjänst"),
            (GroupKind.ANSWER, "by svarsgrupp"),
        ):
            parts.append(f"{label} {result.first_by_stage[stage]:,}/{result.by_stage[stage]:,}")
        click.echo(
            f"Answered at first contact: {result.first_contact_share:.1%} "
            f"of {result.counted:,} resolved, not withdrawn ({'; '.join(parts)})."
        )
    click.echo(
        f"Created {knowledge.articles} articles and {knowledge.templates} answer templates; "
        f"{knowledge.uses:,} uses in answers, {knowledge.misses} searches without a result."
    )


demo_cli = AppGroup("demo", help="Demo data for trying the system out.")


@demo_cli.command("seed")
@click.option(
    "--tickets",
    default=3000,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many tickets to spread over the period (--days).",
)
@click.option(
    "--seed", default=1, show_default=True, type=int, help="Random seed; same seed, same data."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already has data.",
)
@click.option(
    "--days",
    default=365,
    show_default=True,
    type=click.IntRange(min=1, max=3660),
    help="How many days back the tickets reach.",
)
@now_option
def seed_command(tickets: int, seed: int, if_empty: bool, days: int, now: datetime | None) -> None:
    """Fill an empty database with Sjöstads kommun and a year of tickets."""
    if not database_is_empty():
        if if_empty:
            click.echo("Database already has data; not seeding.")
            return
        raise click.ClickException(
            "The database already has data (users, groups, categories or tickets). "
            "Demo data goes only into an empty database; use --if-empty to skip quietly."
        )
    started = time.perf_counter()
    try:
        with click.progressbar(length=tickets, label="Creating tickets") as bar:
            counts, result, knowledge = seed_demo(tickets, seed, now, bar.update, days=days)
        db.session.commit()
        built = build_statistics(now)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    _summary(counts, result, knowledge, time.perf_counter() - started)
    click.echo(f"Built the daily statistics for {built:,} days.")
    click.echo("Run `flask demo logins` to see how to log in.")


@demo_cli.command("logins")
def logins_command() -> None:
    """List the demo users and their password."""
    users = demo_users()
    if not users:
        click.echo("There are no demo users in this database (run `flask demo seed`).")
        return
    rows = [(u.email, u.role.value, ", ".join(g.slug for g in u.groups) or "–") for u in users]
    header = ("E-mail", "Role", "Groups")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]

    def line(cells) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    click.echo(line(header))
    click.echo(line("-" * w for w in widths))
    for row in rows:
        click.echo(line(row))
    click.echo(f"\nPassword for every demo user: {DEMO_PASSWORD}")
