"""Builders for test data. Call them inside an application context."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from types import SimpleNamespace

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from kundtjanst.auth.models import Role, User
from kundtjanst.core.vocabulary import Channel, GroupKind
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Department, Group
from kundtjanst.org.services import GroupData
from kundtjanst.routing.models import RoutingRule
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket

PASSWORD = "correct horse battery"


@cache
def password_hash() -> str:
    return generate_password_hash(PASSWORD)


@dataclass
class Org:
    groups: SimpleNamespace
    categories: SimpleNamespace
    users: SimpleNamespace
    emails: SimpleNamespace


def make_user(email: str, name: str, role: Role = Role.STAFF, groups=()) -> User:
    user = User(
        email=email, name=name, role=role, groups=list(groups), password_hash=password_hash()
    )
    db.session.add(user)
    return user


def build_org() -> Org:
    admin_dept = Department(name="Kommunledningsförvaltningen")
    build_dept = Department(name="Samhällsbyggnadsförvaltningen")
    social_dept = Department(name="Socialförvaltningen")
    db.session.add_all([admin_dept, build_dept, social_dept])

    kundtjanst = Group(
        slug="kundtjanst", name="Kundtjänst", kind=GroupKind.FRONTLINE, department=admin_dept
    )
    bygg = Group(slug="bygglov", name="Bygglov", kind=GroupKind.ANSWER, department=build_dept)
    miljo = Group(
        slug="miljo", name="Miljö och hälsa", kind=GroupKind.ANSWER, department=build_dept
    )
    social = Group(
        slug="socialtjanst",
        name="Socialtjänst",
        kind=GroupKind.ANSWER,
        department=social_dept,
        confidential=True,
    )
    db.session.add_all([kundtjanst, bygg, miljo, social])

    avfall = Category(name="Avfall", sla_hours=16)
    bygglov = Category(name="Bygglov", default_group=bygg, sla_hours=24)
    bistand = Category(name="Ekonomiskt bistånd", default_group=social, sla_hours=8)
    db.session.add_all([avfall, bygglov, bistand])
    db.session.flush()
    db.session.add(
        RoutingRule(
            position=10,
            name="Ekonomiskt bistånd till socialtjänsten",
            category=bistand,
            group=social,
        )
    )

    users = {
        "agent": make_user("agent@kommun.test", "Anna Agent", groups=[kundtjanst]),
        "agent2": make_user("agent2@kommun.test", "Alva Agent", groups=[kundtjanst]),
        "member": make_user("bygg1@kommun.test", "Bo Bygg", groups=[bygg]),
        "member2": make_user("bygg2@kommun.test", "Bea Bygg", groups=[bygg]),
        "other": make_user("miljo@kommun.test", "Mia Miljö", groups=[miljo]),
        "social": make_user("social@kommun.test", "Sara Social", groups=[social]),
        "manager": make_user("chef@kommun.test", "Carl Chef", role=Role.MANAGER),
        "admin": make_user("admin@kommun.test", "Ada Admin", role=Role.ADMIN),
    }
    db.session.commit()
    return Org(
        groups=SimpleNamespace(
            kundtjanst=kundtjanst.id, bygg=bygg.id, miljo=miljo.id, social=social.id
        ),
        categories=SimpleNamespace(avfall=avfall.id, bygglov=bygglov.id, bistand=bistand.id),
        users=SimpleNamespace(**{k: u.id for k, u in users.items()}),
        emails=SimpleNamespace(**{k: u.email for k, u in users.items()}),
    )


def group_data(group: Group, **changes) -> GroupData:
    """What the administrators' group form says of ``group`` now, with ``changes``."""
    data = GroupData(
        slug=group.slug,
        name=group.name,
        kind=group.kind,
        department=group.department,
        confidential=group.confidential,
        email=group.email,
        active=group.active,
        sla_hours=group.sla_hours,
        unclaimed_alert_hours=group.unclaimed_alert_hours,
    )
    return replace(data, **changes)


def new_ticket(
    *,
    channel: Channel = Channel.WEB,
    subject: str = "Soptunnan har inte tömts",
    description: str = "Vår soptunna på Storgatan 1 tömdes inte i tisdags.",
    category_id: int | None = None,
    citizen_email: str | None = "medborgare@example.org",
    status_link: bool = True,
    actor_id: int | None = None,
) -> tuple[Ticket, str | None]:
    """Create (and commit) a ticket through the real service."""
    contact = services.Contact(
        channel=channel,
        subject=subject,
        description=description,
        category=db.session.get(Category, category_id) if category_id else None,
        citizen_email=citizen_email,
    )
    actor = db.session.get(User, actor_id) if actor_id else None
    ticket, token = services.create_ticket(contact, actor=actor, status_link=status_link)
    db.session.commit()
    return ticket, token


def version_field(client, reference: str, prefix: str) -> dict[str, str]:
    """The hidden field every action form on the ticket page carries, with the value
    the page would show now: ``{"<prefix>-version": "<the ticket's version>"}``.
    A form posted without it is refused (tickets.views)."""
    with client.application.app_context():
        version = db.session.scalar(select(Ticket.version).where(Ticket.reference == reference))
    return {f"{prefix}-version": str(version)}
