"""Sjöstads kommun: the fictional municipality the demo data lives in.

The organisation is static — departments, groups, categories, routing rules
and one demo user per role and group — so it reads as a table here and is
written to the database by `build_municipality`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..auth.models import Role, User
from ..core.routing import RuleSpec
from ..core.vocabulary import GroupKind
from ..extensions import db
from ..org.models import Category, CouldReason, Department, Group
from ..routing.models import RoutingRule
from ..routing.queries import active_in_order

DEMO_PASSWORD = "demo-1234!"
STAFF_DOMAIN = "sjostad.se"
FRONTLINE = "kundtjanst"
SOCIAL = "socialtjanst"
FALLBACK_GROUP = "kansli"  # where kundtjänst sends what no category's group takes

DEPARTMENTS = (
    "Kommunledningsförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Tekniska förvaltningen",
    "Utbildningsförvaltningen",
    "Socialförvaltningen",
    "Vård- och omsorgsförvaltningen",
    "Miljöförvaltningen",
    "Kultur- och fritidsförvaltningen",
)


@dataclass(frozen=True)
class GroupSpec:
    slug: str
    name: str
    department: str
    kind: GroupKind = GroupKind.ANSWER
    confidential: bool = False


GROUPS = (
    GroupSpec(FRONTLINE, "Kundtjänst", "Kommunledningsförvaltningen", GroupKind.FRONTLINE),
    GroupSpec("bygg", "Bygglov och bostadsanpassning", "Samhällsbyggnadsförvaltningen"),
    GroupSpec("gata-park", "Gata och park", "Tekniska förvaltningen"),
    GroupSpec("vatten-avfall", "Vatten och avfall", "Tekniska förvaltningen"),
    GroupSpec("utbildning", "Förskola och skola", "Utbildningsförvaltningen"),
    GroupSpec(SOCIAL, "Socialtjänst", "Socialförvaltningen", confidential=True),
    GroupSpec("omsorg", "Vård och omsorg", "Vård- och omsorgsförvaltningen"),
    GroupSpec("miljo", "Miljö och hälsa", "Miljöförvaltningen"),
    GroupSpec("kultur-fritid", "Kultur och fritid", "Kultur- och fritidsförvaltningen"),
    GroupSpec(FALLBACK_GROUP, "Kommunkansliet", "Kommunledningsförvaltningen"),
)


@dataclass(frozen=True)
class CategorySpec:
    key: str  # used by the ticket generator to find its texts
    name: str
    group: str | None  # default svarsgrupp; None: kundtjänst handles it
    sla_hours: int
    description: str
    retention_months: int = 24
    answer_sla_hours: int = 24  # the svarsgrupp's target after a hand-off


CATEGORIES = (
    CategorySpec(
        "avfall",
        "Avfall och återvinning",
        "vatten-avfall",
        16,
        "Sophämtning, kärl och abonnemang, grovsopor och återvinningscentraler.",
    ),
    CategorySpec(
        "va", "Vatten och avlopp", "vatten-avfall", 16, "Dricksvatten, läckor, avlopp, VA-avgifter."
    ),
    CategorySpec(
        "bygglov",
        "Bygglov",
        "bygg",
        24,
        "Bygglov, anmälan, detaljplaner, attefallshus.",
        answer_sla_hours=40,
    ),
    CategorySpec(
        "bostadsanpassning",
        "Bostadsanpassning",
        "bygg",
        24,
        "Bidrag för att anpassa bostaden vid funktionsnedsättning.",
    ),
    CategorySpec("forskola", "Förskola", "utbildning", 16, "Kö, placering, schema och avgifter."),
    CategorySpec(
        "grundskola",
        "Grundskola och fritidshem",
        "utbildning",
        16,
        "Skolval, skolbyte, ledighet och fritidshem.",
    ),
    CategorySpec(
        "gymnasieantagning",
        "Gymnasieantagning",
        "utbildning",
        16,
        "Gymnasieval, antagningsbesked och omval.",
    ),
    CategorySpec("skolskjuts", "Skolskjuts", "utbildning", 16, "Rätt till skolskjuts, bussar."),
    CategorySpec(
        "gator",
        "Gator och vägar – felanmälan",
        "gata-park",
        16,
        "Hål i vägen, trottoarer, skyltar, vägarbeten, sandupptagning.",
    ),
    CategorySpec(
        "snorojning",
        "Snöröjning och halkbekämpning",
        "gata-park",
        8,
        "Plogning, sandning och snövallar.",
        answer_sla_hours=8,
    ),
    CategorySpec(
        "parkering",
        "Parkering",
        "gata-park",
        16,
        "Parkeringstillstånd, boendeparkering, felparkering och anmärkningar.",
    ),
    CategorySpec("belysning", "Gatubelysning", "gata-park", 24, "Trasig eller släckt belysning."),
    CategorySpec(
        "parker",
        "Parker och grönområden",
        "gata-park",
        24,
        "Lekplatser, gräsklippning, träd, papperskorgar.",
    ),
    CategorySpec(
        "bistand",
        "Ekonomiskt bistånd",
        SOCIAL,
        8,
        "Försörjningsstöd och akut ekonomisk hjälp. Omfattas av sekretess.",
        retention_months=12,
    ),
    CategorySpec(
        "ifo",
        "Individ- och familjeomsorg",
        SOCIAL,
        8,
        "Orosanmälningar, familjestöd, missbruk. Omfattas av sekretess.",
        retention_months=12,
    ),
    CategorySpec(
        "aldreomsorg",
        "Äldreomsorg",
        "omsorg",
        16,
        "Hemtjänst, särskilt boende, trygghetslarm och avgifter.",
    ),
    CategorySpec(
        "lss",
        "LSS och funktionsstöd",
        "omsorg",
        16,
        "Insatser enligt LSS: daglig verksamhet, ledsagning, korttidsvistelse.",
    ),
    CategorySpec("fardtjanst", "Färdtjänst", "omsorg", 16, "Färdtjänst och riksfärdtjänst."),
    CategorySpec(
        "miljo",
        "Miljö och hälsa",
        "miljo",
        24,
        "Buller, mögel, skadedjur, eldning och enskilda avlopp.",
    ),
    CategorySpec(
        "livsmedel",
        "Livsmedel och serveringstillstånd",
        "miljo",
        24,
        "Livsmedelskontroll, registrering och serveringstillstånd.",
    ),
    CategorySpec(
        "kultur",
        "Kultur och fritid",
        "kultur-fritid",
        24,
        "Simhall, idrottshallar, föreningsbidrag och lovaktiviteter.",
    ),
    CategorySpec("bibliotek", "Bibliotek", "kultur-fritid", 24, "Lån, lånekort och bokbussen."),
    CategorySpec(
        "handlingar",
        "Allmänna handlingar",
        "kansli",
        8,
        "Begäran att ta del av allmänna handlingar; ska hanteras skyndsamt.",
        retention_months=36,
        answer_sla_hours=8,
    ),
    CategorySpec(
        "synpunkter",
        "Synpunkter och klagomål",
        "kansli",
        40,
        "Synpunkter, förslag och klagomål på kommunens verksamhet.",
        answer_sla_hours=80,
    ),
    CategorySpec("ovrigt", "Övrigt", None, 16, "Allt som inte passar någon annan kategori."),
)


@dataclass(frozen=True)
class RuleDef:
    name: str
    group: str
    category: str | None = None
    keywords: str | None = None
    email_domain: str | None = None
    channel: str | None = None
    priority: str | None = None


# The municipal housing company reports faults in its areas from its own domain.
HOUSING_DOMAIN = "sjostadshem.se"

RULES = (
    RuleDef("Ekonomiskt bistånd till socialtjänsten", SOCIAL, category="bistand"),
    RuleDef("Individ- och familjeomsorg till socialtjänsten", SOCIAL, category="ifo"),
    RuleDef(
        "Orosanmälningar till socialtjänsten",
        SOCIAL,
        keywords="orosanmälan, orosanmäla, far illa",
        priority="high",
    ),
    RuleDef("LSS till vård och omsorg", "omsorg", category="lss"),
    RuleDef("Bygglovsfrågor via webbformuläret", "bygg", category="bygglov", channel="web"),
    RuleDef("Felanmälningar från Sjöstadshem", "gata-park", email_domain=HOUSING_DOMAIN),
)


@dataclass(frozen=True)
class UserDef:
    name: str
    role: Role
    groups: tuple[str, ...] = ()

    @property
    def email(self) -> str:
        return f"{ascii_slug(self.name, '.')}@{STAFF_DOMAIN}"


USERS = (
    UserDef("Erik Lindqvist", Role.ADMIN),
    UserDef("Maria Holmberg", Role.MANAGER),
    UserDef("Sara Nilsson", Role.STAFF, (FRONTLINE,)),
    UserDef("Johan Berg", Role.STAFF, (FRONTLINE,)),
    UserDef("Amina Yusuf", Role.STAFF, (FRONTLINE,)),
    UserDef("Karin Ström", Role.STAFF, ("bygg",)),
    UserDef("Anders Sjöberg", Role.STAFF, ("gata-park",)),
    UserDef("Nils Åkesson", Role.STAFF, ("gata-park",)),
    UserDef("Lena Forsberg", Role.STAFF, ("vatten-avfall",)),
    UserDef("Emma Lindgren", Role.STAFF, ("utbildning",)),
    UserDef("Mikael Öberg", Role.STAFF, (SOCIAL,)),
    UserDef("Birgitta Ek", Role.STAFF, ("omsorg",)),
    UserDef("Peter Dahl", Role.STAFF, ("miljo",)),
    UserDef("Linnea Wallin", Role.STAFF, ("kultur-fritid",)),
    UserDef("Oskar Lund", Role.STAFF, (FALLBACK_GROUP,)),
)

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
    confidential: dict[int, bool]
    category_ids: dict[str, int]
    category_keys: dict[int, str]
    category_group: dict[int, int | None]
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
        return [gid for gid in self.group_ids.values() if gid != self.frontline_id]

    @property
    def open_group_ids(self) -> list[int]:
        """The answer groups without secrecy."""
        return [gid for gid in self.answer_group_ids if not self.confidential[gid]]


# Why kundtjänst could have answered (the learning loop's reasons).
COULD_REASONS = (
    "Svaret finns på kommunens webbplats",
    "Finns i kundtjänsts kunskapsbank",
    "Enkel regelfråga",
    "Kundtjänst kan se uppgiften i verksamhetssystemet",
    "Ny information som kundtjänst inte fått",
)


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
        frontline_id=groups[FRONTLINE].id,
        group_ids={slug: g.id for slug, g in groups.items()},
        confidential={g.id: g.confidential for g in groups.values()},
        category_ids={key: c.id for key, c in categories.items()},
        category_keys={c.id: key for key, c in categories.items()},
        category_group={c.id: c.default_group_id for c in categories.values()},
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
