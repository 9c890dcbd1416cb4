"""Sjöstads kommun: the fictional municipality the demo data lives in.

The organisation is static — departments, groups, categories, routing rules
and one demo user per role and group — so it is data, in
``data/municipality.toml``. This module reads it on import into the specs
below, and `build_municipality` writes it to the database.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ..auth.models import Role, User
from ..core.routing import RuleSpec
from ..core.vocabulary import GroupKind
from ..extensions import db
from ..org.models import Category, CouldReason, Department, Group
from ..routing.models import RoutingRule
from ..routing.queries import active_in_order


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    department: str
    kind: GroupKind = GroupKind.ANSWER
    confidential: bool = False


@dataclass(frozen=True)
class CategorySpec:
    key: str  # used by the ticket generator to find its texts
    name: str
    sla_hours: int
    description: str
    group: str | None = None  # default svarsgrupp; None: kundtjänst handles it
    retention_months: int = 24
    answer_sla_hours: int = 24  # the svarsgrupp's target after a hand-off
    confidential: bool = False  # questions in the area fall under secrecy


@dataclass(frozen=True)
class RuleDef:
    name: str
    group: str
    category: str | None = None
    keywords: str | None = None
    email_domain: str | None = None
    channel: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class UserDef:
    name: str
    role: Role
    groups: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return f"{ascii_slug(self.name, '.')}@{STAFF_DOMAIN}"


_DATA = tomllib.loads((Path(__file__).parent / "data" / "municipality.toml").read_text("utf-8"))

DEMO_PASSWORD: str = _DATA["password"]
STAFF_DOMAIN: str = _DATA["staff_domain"]
FALLBACK_GROUP: str = _DATA["fallback_group"]
HOUSING_DOMAIN: str = _DATA["housing_domain"]
DEPARTMENTS = tuple(_DATA["departments"])
GROUPS = tuple(
    GroupSpec(**{**spec, "kind": GroupKind(spec.get("kind", GroupKind.ANSWER))})
    for spec in _DATA["groups"]
)
CATEGORIES = tuple(CategorySpec(**spec) for spec in _DATA["categories"])
RULES = tuple(RuleDef(**spec) for spec in _DATA["rules"])
USERS = tuple(
    UserDef(spec["name"], Role(spec["role"]), tuple(spec.get("groups", ())))
    for spec in _DATA["users"]
)
COULD_REASONS = tuple(_DATA["could_reasons"])

_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def ascii_slug(text: str, sep: str = ".") -> str:
    """``"Nils Åkesson"`` → ``"nils.akesson"``: the way municipal addresses are formed."""
    return sep.join(text.lower().translate(_ASCII).split())


def demo_emails() -> list[str]:
    return [u.email for u in USERS]


@dataclass
class Municipality:
    """The ids of what `build_municipality` created, for the ticket generator."""

    frontline_id: int
    group_ids: dict[str, int]
    kinds: dict[int, GroupKind]
    confidential: dict[int, bool]
    category_ids: dict[str, int]
    category_keys: dict[int, str]
    category_group: dict[int, int | None]
    category_confidential: dict[int, bool]
    rules: list[RuleSpec]
    rule_names: dict[int, str]
    members: dict[int, list[int]] = field(default_factory=dict)
    reason_ids: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def agents(self) -> list[int]:
        return self.members[self.frontline_id]

    @property
    def answer_group_ids(self) -> list[int]:
        return [gid for gid, kind in self.kinds.items() if kind == GroupKind.ANSWER]

    @property
    def open_group_ids(self) -> list[int]:
        """The answer groups without secrecy."""
        return [gid for gid in self.answer_group_ids if not self.confidential[gid]]


def build_municipality(password_hash: str) -> Municipality:
    """Write the organisation; every demo user gets the same (precomputed) hash."""
    departments = {name: Department(name=name) for name in DEPARTMENTS}
    db.session.add_all(departments.values())

    groups = {
        g.slug: Group(
            slug=g.slug,
            name=g.name,
            kind=g.kind,
            department=departments[g.department],
            confidential=g.confidential,
            email=f"{g.slug}@{STAFF_DOMAIN}",
        )
        for g in GROUPS
    }
    db.session.add_all(groups.values())

    categories = {
        c.key: Category(
            name=c.name,
            description=c.description,
            default_group=groups[c.group] if c.group else None,
            sla_hours=c.sla_hours,
            answer_sla_hours=c.answer_sla_hours,
            retention_months=c.retention_months,
            confidential=c.confidential,
        )
        for c in CATEGORIES
    }
    db.session.add_all(categories.values())
    db.session.flush()

    rules = []
    for position, r in enumerate(RULES, start=1):
        rules.append(
            RoutingRule(
                position=position * 10,
                name=r.name,
                channel=r.channel,
                category_id=categories[r.category].id if r.category else None,
                keywords=r.keywords,
                email_domain=r.email_domain,
                group_id=groups[r.group].id,
                priority=r.priority,
            )
        )
    db.session.add_all(rules)
    reasons = [CouldReason(name=name) for name in COULD_REASONS]
    db.session.add_all(reasons)

    users = [
        User(
            email=u.email,
            name=u.name,
            role=u.role,
            password_hash=password_hash,
            groups=[groups[slug] for slug in u.groups],
        )
        for u in USERS
    ]
    db.session.add_all(users)
    db.session.flush()

    members: dict[int, list[int]] = {g.id: [] for g in groups.values()}
    for spec, user in zip(USERS, users):
        for slug in spec.groups:
            members[groups[slug].id].append(user.id)

    active_rules = active_in_order()
    return Municipality(
        frontline_id=next(g.id for g in groups.values() if g.kind == GroupKind.FRONTLINE),
        group_ids={slug: g.id for slug, g in groups.items()},
        kinds={g.id: g.kind for g in groups.values()},
        confidential={g.id: g.confidential for g in groups.values()},
        category_ids={key: c.id for key, c in categories.items()},
        category_keys={c.id: key for key, c in categories.items()},
        category_group={c.id: c.default_group_id for c in categories.values()},
        category_confidential={c.id: c.confidential for c in categories.values()},
        rules=[r.spec() for r in active_rules],
        rule_names={r.id: r.name for r in active_rules},
        members=members,
        reason_ids=[r.id for r in reasons],
        counts={
            "departments": len(departments),
            "groups": len(groups),
            "categories": len(categories),
            "rules": len(rules),
            "users": len(users),
        },
    )


def demo_users() -> list[User]:
    """The demo users present in the database, in the order they were defined."""
    order = {email: i for i, email in enumerate(demo_emails())}
    found = db.session.scalars(select(User).where(User.email.in_(list(order))))
    return sorted(found, key=lambda u: order[u.email])
