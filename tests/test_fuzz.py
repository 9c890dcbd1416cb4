"""Bad input (issue 6, item 6): hypothesis sends random and hostile data to every form
and every query parameter, as the person allowed to use it. Very long text, NUL and
other control characters, invalid UTF-8 and lone surrogates as raw bytes, right-to-left
overrides, emoji, HTML and script, SQL fragments, LIKE wildcards, negative and huge
ids, missing fields. For every answer:

- never a 500: the status is one that form or page may answer with;
- an error says what is wrong (the error summary, the notice, or the error page);
- nothing is stored half-done: after an error every table but the audit log is
  exactly as it was (a refused ticket action leaves the ticket and its timeline);
- what is shown again is escaped: no HTML answer holds a payload's raw markup.

Also: wrong methods get the 405 page, bodies over MAX_CONTENT_LENGTH the 413 page.
``FUZZ_EXAMPLES`` (default 25) sets the examples per form or page.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote, quote_from_bytes, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import local_today
from kundtjanst.core.vocabulary import Channel, Outcome
from kundtjanst.exports.models import Export, ExportStatus
from kundtjanst.extensions import db
from kundtjanst.kb import services as kb_services
from kundtjanst.kb.models import ArticleState
from kundtjanst.org.models import CouldReason, Department, Group
from kundtjanst.routing.models import RoutingRule
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Ticket
from kundtjanst.web import local_path

from .conftest import login, make_app
from .exporting import export
from .factories import PASSWORD, new_ticket

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
    print_blob=True,
)

# --- hostile values -----------------------------------------------------------------

# Markup that must never come back raw in an HTML page.
XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
PAYLOADS = (
    *XSS,
    '"><script>alert(1)</script>',
    "' OR 1=1 --",
    "'; DROP TABLE tickets; --",
    "%",
    "_",
    "\\",
    "%_\\'\"",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\u202eevil\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd",
    "مرحبا",
    "😀",
    "👩‍👩‍👧‍👦",
    "\ud800",
    "\udfff",
    "{{7*7}}",
    "${7*7}",
    "%(x)s",
    "../../etc/passwd",
    "KT-2026-000001",
    "javascript:alert(1)",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/a\r\nSet-Cookie: x=1",
    '=HYPERLINK("http://evil.example")',
    "null",
    "true",
    "",
    " ",
    "\r\n",
)
LONG = ("x" * 10_001, "å" * 201, "😀" * 121, "<b>" * 2000, "a@" * 200)
IDS = (
    "-1",
    "0",
    "1",
    "2147483647",
    "2147483648",
    "9223372036854775808",
    "9" * 5000,
    "1e3",
    "1.0",
    " 1",
    "0x1",
    "abc",
    "٣",
    "²",
    "",
)
DATES = (
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    "2026-13-01",
    "-2026-01-01",
    "2026-1-1",
    "٢٠٢٦-١١-٢٧",
    "24:00",
    "99:99",
)
# Raw bytes that are no UTF-8 at all: sent as they are, percent-encoded.
INVALID_UTF8 = (b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"abc\x80def", b"\xf8\x88\x80\x80\x80")

# Parameter names a view might pass on to url_for() or read by mistake.
NAMES = ("endpoint", "_external", "_scheme", "_anchor", "_method", "values", "page", "q", "\x00")

OMIT = object()  # the field is left out of the request

_pieces = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=30),
    st.text(st.characters(categories=("Cc", "Cf", "Cs", "Zs", "So", "Mn")), max_size=6),
)
hostile = st.one_of(
    st.lists(_pieces, min_size=1, max_size=3).map("".join),
    st.sampled_from(IDS),
    st.sampled_from(DATES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(LONG),
    st.sampled_from(INVALID_UTF8),
    st.binary(max_size=12),
)


def draw_values(data, fields: dict[str, tuple[str, ...]], multi=frozenset()) -> list:
    """(name, value) pairs: one or two fields (sometimes all) get something hostile or
    are left out; the others get a value that makes sense, so that the hostile one
    reaches past the first check into the services, the database and the pages."""
    names = sorted(fields)
    attacked = data.draw(
        st.one_of(st.sets(st.sampled_from(names), min_size=1, max_size=2), st.just(set(names))),
        label="attacked",
    )
    pairs = []
    for name in names:
        if name in attacked:
            strategy = st.one_of(hostile, st.just(OMIT))
        elif fields[name]:
            strategy = st.sampled_from(fields[name])
        else:
            strategy = st.just(OMIT)
        if name in multi:
            chosen = data.draw(st.lists(strategy, max_size=3), label=name)
        else:
            chosen = [data.draw(strategy, label=name)]
        pairs += [(name, value) for value in chosen if value is not OMIT]
    return pairs


def encode(pairs: list[tuple[str, str | bytes]]) -> str:
    """application/x-www-form-urlencoded, byte for byte: lone surrogates become the
    invalid UTF-8 a broken client would send, raw bytes go as they are."""
    out = []
    for name, value in pairs:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        out.append(f"{quote(name)}={quote_from_bytes(raw, safe='')}")
    return "&".join(out)


# --- what a response must be ------------------------------------------------------------

# Swedish texts that say what is wrong, per kind of answer.
CLEAR = {
    400: (
        'class="error-summary"',
        'id="refusal"',
        "Begäran kunde inte tolkas",
        "Formuläret hade gått ut eller skickades utan sin säkerhetskod.",
    ),
    403: ("Du har inte behörighet att göra det.",),
    404: ("Det finns ingenting på den här adressen.",),
    405: ("Det går inte att göra så på den här sidan.",),
    409: ('id="refusal"', "Någon annan ändrade samtidigt."),
    413: ("Det du skickade är för stort.",),
    415: ("Sidan tar bara emot det som dess formulär skickar. Använd formuläret och försök igen.",),
    429: ('class="error-summary"',),
}


def stays_here(location: str) -> bool:
    """A redirect to a path on this site (Werkzeug's own, to a URL with merged
    slashes, names this host in full)."""
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return parts.scheme == "http" and parts.netloc == "localhost"
    return local_path(location) is not None


def check_answer(response, allowed: set[int]) -> None:
    code = response.status_code
    assert code != 500, "a 500"
    assert code in allowed, f"{code}, expected one of {sorted(allowed)}"
    if 300 <= code < 400:
        assert stays_here(response.headers["Location"]), response.headers["Location"]
    if not response.mimetype.startswith("text/") and response.mimetype != "application/json":
        assert code < 400, f"{code} as {response.mimetype}"
        return  # a spreadsheet
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        for markup in XSS:
            assert markup not in body, f"raw {markup!r} in the page"
    if code < 400:
        return
    if response.mimetype == "application/json":
        assert response.get_json().get("error"), body
    elif response.mimetype == "text/plain":
        assert body.strip()
    else:
        assert any(text in body for text in CLEAR[code]), f"no clear message with the {code}"


# Tables a refused request must leave as they were. The audit log and the record of
# reads may note the attempt (a failed login, a page shown); job bookkeeping is not
# touched by requests.
UNWATCHED = {"audit_entries", "ticket_reads", "job_runs", "scheduler_leases"}


def snapshot(app) -> dict[str, list]:
    with app.app_context():
        tables = [t for t in db.metadata.sorted_tables if t.name not in UNWATCHED]
        with db.engine.connect() as conn:
            return {
                t.name: sorted(map(repr, conn.execute(t.select()).all()), key=str) for t in tables
            }


def changed_tables(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after[name]]


# --- the municipality the forms work on --------------------------------------------------


@pytest.fixture
def scene(app, org) -> SimpleNamespace:
    """One of everything the forms edit, made once per test (examples accumulate)."""
    with app.app_context():
        reason = CouldReason(name="Finns på webben")
        db.session.add(reason)
        db.session.commit()
        department = db.session.scalar(select(Department.id).order_by(Department.id))
        rule = db.session.scalar(select(RoutingRule.id))
        return SimpleNamespace(
            org=org,
            values={
                "cat": str(org.categories.avfall),
                "cat_bygglov": str(org.categories.bygglov),
                "cat_secret": str(org.categories.bistand),
                "bygg": str(org.groups.bygg),
                "miljo": str(org.groups.miljo),
                "social": str(org.groups.social),
                "kundtjanst": str(org.groups.kundtjanst),
                "reason": str(reason.id),
                "user_id": str(org.users.agent2),
                "department_id": str(department),
                "group_id": str(org.groups.miljo),
                "category_id": str(org.categories.avfall),
                "rule_id": str(rule),
                "reason_id": str(reason.id),
                "today": local_today().isoformat(),
                "tomorrow": (local_today() + timedelta(days=1)).isoformat(),
                "agent_email": org.emails.agent,
                "password": PASSWORD,
            },
        )


def ticket_in_kundtjanst(app, scene) -> dict:
    with app.app_context():
        ticket, token = new_ticket(category_id=scene.org.categories.avfall)
        return {"ref": ticket.reference, "token": token, "version": str(ticket.version)}


def public_answer(app, scene) -> dict:
    """A published public article about bins (what /fraga may offer), made once."""
    from kundtjanst.kb import services as kb
    from kundtjanst.kb.models import Article, ArticleState, Visibility
    from kundtjanst.org.models import Category

    with app.app_context():
        found = db.session.scalar(select(Article.id).where(Article.title == "Soptunnan töms"))
        if found is None:
            found = kb.create_article(
                db.session.get(User, scene.org.users.other),
                kb.ArticleFields(
                    title="Soptunnan töms",
                    summary="Soptunnan töms varannan vecka.",
                    body="",
                    group=db.session.get(Group, scene.org.groups.miljo),
                    categories=[db.session.get(Category, scene.org.categories.avfall)],
                    visibility=Visibility.PUBLIC,
                    state=ArticleState.PUBLISHED,
                ),
            ).id
            db.session.commit()
        return {"article": str(found)}


def ticket_closed(app, scene) -> dict:
    """A ticket kundtjänst has closed (to open again)."""
    values = ticket_in_kundtjanst(app, scene)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == values["ref"]))
        services.resolve(ticket, db.session.get(User, scene.org.users.agent), Outcome.ANSWERED)
        db.session.commit()
        values["version"] = str(ticket.version)
    return values


def ticket_claimed(app, scene) -> dict:
    """Escalated to Bygglov and claimed by "member"."""
    with app.app_context():
        ticket, token = new_ticket(channel=Channel.PHONE, citizen_email="eva@example.org")
        agent = db.session.get(User, scene.org.users.agent)
        services.escalate(ticket, agent, db.session.get(Group, scene.org.groups.bygg))
        services.claim(ticket, db.session.get(User, scene.org.users.member))
        db.session.commit()
        return {"ref": ticket.reference, "token": token, "version": str(ticket.version)}


def ticket_in_queue(app, scene) -> dict:
    with app.app_context():
        ticket, _ = new_ticket()
        agent = db.session.get(User, scene.org.users.agent)
        services.escalate(ticket, agent, db.session.get(Group, scene.org.groups.bygg))
        db.session.commit()
        return {"ref": ticket.reference}


def ticket_under_secrecy(app, scene) -> dict:
    """Ekonomiskt bistånd, routed to Socialtjänst (confidential)."""
    with app.app_context():
        ticket, token = new_ticket(category_id=scene.org.categories.bistand)
        return {"ref": ticket.reference, "token": token, "version": str(ticket.version)}


def article_of_bygg(app, scene) -> dict:
    """A published article of Bygglov (its member may edit, publish, archive it)."""
    with app.app_context():
        article = kb_services.create_article(
            None,
            kb_services.ArticleFields(
                title="Altan",
                summary="Kräver ofta bygglov.",
                body="",
                group=bygg_group(scene),
                state=ArticleState.PUBLISHED,
            ),
        )
        db.session.commit()
        return {"article_id": str(article.id), "version": str(article.version)}


def template_of_agent(app, scene) -> dict:
    with app.app_context():
        agent = db.session.get(User, scene.org.users.agent)
        template = kb_services.save_template(
            None, agent, name="Tack", body="Hej {namn}", group=None
        )
        db.session.commit()
        return {"template_id": str(template.id)}


def bygg_group(scene) -> Group:
    return db.session.get(Group, scene.org.groups.bygg)


def repeat_pair(app, scene) -> dict:
    with app.app_context():
        kw = {"category_id": scene.org.categories.avfall, "citizen_email": "upprepad@example.org"}
        earlier, _ = new_ticket(**kw)
        later, _ = new_ticket(**kw)
        return {"ref": later.reference, "earlier": earlier.reference, "version": "1"}


# --- every form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A form: who may use it, where it posts, its fields with sensible values, and
    the answers it may give. ``setup`` makes what one example works on."""

    url: str
    who: str
    fields: dict[str, tuple[str, ...]]
    allowed: frozenset[int] = frozenset({302, 400})
    setup: object = None
    multi: frozenset[str] = field(default_factory=frozenset)  # fields sent several times


TICKET_ACTION = frozenset({302, 400, 409})
ADMIN = frozenset({302, 400, 409})  # 409: a constraint broken by a simultaneous change

USER_FIELDS = {
    "email": ("ny.person@sjostad.se", "{agent_email}"),
    "name": ("Ny Person",),
    "role": ("staff", "manager", "admin"),
    "memberships": ("{bygg}", "{miljo}", "{kundtjanst}"),
    "active": ("y",),
}
GROUP_FIELDS = {
    "slug": ("ny-grupp", "bygglov"),
    "name": ("Ny grupp",),
    "kind": ("answer", "frontline"),
    "department_id": ("{department_id}", ""),
    "confidential": ("y",),
    "email": ("grupp@sjostad.se", ""),
    "sla_hours": ("8", ""),
    "unclaimed_alert_hours": ("4", ""),
    "active": ("y",),
}
CATEGORY_FIELDS = {
    "name": ("Nytt område",),
    "description": ("Beskrivning",),
    "default_group_id": ("{bygg}", ""),
    "sla_hours": ("16",),
    "answer_sla_hours": ("24",),
    "retention_months": ("24",),
    "confidential": ("y",),
    "active": ("y",),
}
RULE_FIELDS = {
    "name": ("Ny regel",),
    "active": ("y",),
    "channel": ("", "web", "phone"),
    "category_id": ("", "{cat}"),
    "keywords": ("altan, bygglov",),
    "email_domain": ("skola.kommun.se", ""),
    "language": ("", "fi", "en"),
    "group_id": ("{miljo}",),
    "priority": ("", "high"),
}
ARTICLE_FIELDS = {
    "title": ("Tömning av latrinkärl",),
    "summary": ("Varannan vecka.", ""),
    "body": ("## Så går det till\n\n[Läs mer](https://kommun.se)",),
    "categories": ("{cat}", "{cat_bygglov}"),
    "group_id": ("{bygg}", "{miljo}"),
    "visibility": ("internal", "public"),
    "state": ("draft", "published"),
    "for_frontline": ("y",),
    "review_on": ("{tomorrow}", ""),
    "note": ("Nya avgifter", ""),
}
CATEGORIES = frozenset({"categories"})
TRANSLATION_FIELDS = {
    "title": ("Porch",),
    "summary": ("Often needs a permit.", ""),
    "body": ("## Rules\n\n[More](https://kommun.se)",),
    "version": ("0",),
}
TEMPLATE_FIELDS = {
    "name": ("Tack för samtalet",),
    "body": ("Hej {{namn}}! Ärende {{ärendenummer}}.",),
    "group_id": ("", "{kundtjanst}"),
    "category_id": ("", "{cat}"),
}
WEEK_FIELDS = {
    f"d{day}_{part}": values
    for day in range(7)
    for part, values in (("open", ("y",)), ("opens", ("08:00",)), ("closes", ("16:30",)))
}

FORMS = {
    # the public
    "question": Form(
        "/fraga",
        "anonymous",
        {
            "category": ("{cat}", "{cat_bygglov}"),
            "subject": ("Soptunnan",),
            "question": ("Den töms inte.",),
            "name": ("Eva",),
            "email": ("eva@example.org",),
            "phone": ("070-123 45 67",),
            "submission": ("s" * 43, "kort"),
            "website": ("",),
        },
    ),
    # With a public answer to offer: the step before the ticket (200), or the ticket.
    "question with answers": Form(
        "/fraga",
        "anonymous",
        {
            "category": ("{cat}",),
            "subject": ("Soptunnan",),
            "question": ("Den töms inte.",),
            "name": ("Eva",),
            "submission": ("s" * 43,),
            "anyway": ("", "1"),
        },
        frozenset({200, 302, 400}),
        setup=public_answer,
    ),
    "found the answer": Form(
        "/fraga/svaret-fanns",
        "anonymous",
        {"article": ("{article}",), "category": ("{cat}",)},
        setup=public_answer,
    ),
    "status message": Form(
        "/arende/{token}",
        "anonymous",
        {"message": ("Jag har ny information.",)},
        setup=ticket_in_kundtjanst,
    ),
    "login": Form(
        "/logga-in", "anonymous", {"email": ("{agent_email}",), "password": ("{password}",)}
    ),
    "account": Form("/konto", "agent", {"language": ("sv", "en")}),
    "password": Form(
        "/konto/losenord",
        "agent",
        {
            "current_password": ("{password}",),
            "new_password": ("ett nytt långt lösenord",),
            "confirm": ("ett nytt långt lösenord",),
        },
    ),
    # kundtjänst
    "new contact": Form(
        "/ny-kontakt",
        "agent",
        {
            "channel": ("phone", "visit", "chat"),
            "category": ("{cat}", "{cat_secret}"),
            "subject": ("Fråga om sophämtning",),
            "notes": ("Ringde om tunnan",),
            "name": ("Eva",),
            "email": ("eva@example.org",),
            "phone": ("070-123 45 67",),
            "language": ("sv", "fi", "en"),
            "action": ("answered", "referred", "escalate", "open"),
            "referred_to": ("Skatteverket",),
            "group": ("{bygg}",),
            "handoff_note": ("Kopplar",),
        },
    ),
    # the actions on a ticket
    "reply": Form(
        "/arenden/{ref}/svara",
        "agent",
        {"reply-body": ("Svar till medborgaren",), "reply-version": ("{version}",)},
        TICKET_ACTION,
        ticket_in_kundtjanst,
    ),
    "note": Form(
        "/arenden/{ref}/anteckning",
        "agent",
        {"note-body": ("Intern anteckning",), "note-version": ("{version}",)},
        TICKET_ACTION,
        ticket_in_kundtjanst,
    ),
    "escalate": Form(
        "/arenden/{ref}/eskalera",
        "agent",
        {
            "escalate-group": ("{bygg}", "{social}"),
            "escalate-note": ("Till bygglov",),
            "escalate-version": ("{version}",),
        },
        TICKET_ACTION,
        ticket_in_kundtjanst,
    ),
    "resolve": Form(
        "/arenden/{ref}/avsluta",
        "agent",
        {
            "resolve-outcome": ("answered", "forwarded", "referred", "withdrawn"),
            "resolve-reply": ("Svar",),
            "resolve-during_contact": ("y",),
            "resolve-diarienummer": ("SBN 2026/1",),
            "resolve-referred_to": ("Skatteverket",),
            "resolve-note": ("Klart",),
            "resolve-version": ("{version}",),
        },
        TICKET_ACTION,
        ticket_in_kundtjanst,
    ),
    "resolve in an answer group": Form(
        "/arenden/{ref}/avsluta",
        "member",
        {
            "resolve-outcome": ("answered",),
            "resolve-reply": ("Svar",),
            "resolve-during_contact": ("y",),
            "resolve-could_have_answered": ("y",),
            "resolve-could_reason": ("{reason}",),
            "resolve-could_note": ("Finns på webben",),
            "resolve-version": ("{version}",),
        },
        TICKET_ACTION,
        ticket_claimed,
    ),
    "transfer": Form(
        "/arenden/{ref}/overlamna",
        "member",
        {
            "transfer-group": ("{miljo}", "{kundtjanst}", "{social}"),
            "transfer-note": ("Gäller buller",),
            "transfer-version": ("{version}",),
        },
        TICKET_ACTION,
        ticket_claimed,
    ),
    "release": Form(
        "/arenden/{ref}/slapp",
        "member",
        {"release-version": ("{version}",)},
        TICKET_ACTION,
        ticket_claimed,
    ),
    "claim": Form(
        "/arenden/{ref}/ta", "member", {"from_queue": ("1",)}, frozenset({302}), ticket_in_queue
    ),
    "reopen": Form(
        "/arenden/{ref}/oppna-igen",
        "agent",
        {"reopen-reason": ("Medborgaren ringde igen",), "reopen-version": ("{version}",)},
        TICKET_ACTION,
        ticket_closed,
    ),
    "new status link": Form(
        "/arenden/{ref}/ny-lank",
        "agent",
        {"link-version": ("{version}",)},
        TICKET_ACTION | {200},
        ticket_in_kundtjanst,
    ),
    "lift secrecy": Form(
        "/arenden/{ref}/hav-sekretess",
        "social",
        {
            "lift-reason": ("Uppgifterna omfattas inte av sekretess",),
            "lift-version": ("{version}",),
        },
        TICKET_ACTION,
        ticket_under_secrecy,
    ),
    "repeat": Form(
        "/arenden/{ref}/upprepad",
        "agent",
        {"repeat-earlier": ("{earlier}",), "repeat-version": ("{version}",)},
        TICKET_ACTION,
        repeat_pair,
    ),
    # the knowledge pages
    "new article": Form("/kunskap/artiklar/ny", "member", ARTICLE_FIELDS, multi=CATEGORIES),
    "edit article": Form(
        "/kunskap/artiklar/{article_id}/andra",
        "member",
        {**ARTICLE_FIELDS, "version": ("{version}",)},
        TICKET_ACTION,
        article_of_bygg,
        CATEGORIES,
    ),
    "article state": Form(
        "/kunskap/artiklar/{article_id}/tillstand",
        "member",
        {"state": ("draft", "archived"), "version": ("{version}",)},
        TICKET_ACTION,
        article_of_bygg,
    ),
    "translate article": Form(
        "/kunskap/artiklar/{article_id}/oversattningar/en",
        "member",
        TRANSLATION_FIELDS,
        TICKET_ACTION,
        article_of_bygg,
    ),
    "new template": Form("/kunskap/mallar/ny", "agent", TEMPLATE_FIELDS),
    "edit template": Form(
        "/kunskap/mallar/{template_id}/andra",
        "agent",
        TEMPLATE_FIELDS,
        setup=template_of_agent,
    ),
    # administration
    "new user": Form(
        "/admin/anvandare/ny",
        "admin",
        {**USER_FIELDS, "password": ("ett långt lösenord för test",)},
        ADMIN,
        multi=frozenset({"memberships"}),
    ),
    "edit user": Form(
        "/admin/anvandare/{user_id}/redigera",
        "admin",
        USER_FIELDS,
        ADMIN,
        multi=frozenset({"memberships"}),
    ),
    "user password": Form(
        "/admin/anvandare/{user_id}/losenord",
        "admin",
        {"password": ("ett långt lösenord för test",)},
        ADMIN,
    ),
    "new department": Form("/admin/forvaltningar/ny", "admin", {"name": ("Ny förv",)}, ADMIN),
    "edit department": Form(
        "/admin/forvaltningar/{department_id}/redigera", "admin", {"name": ("Ny förv",)}, ADMIN
    ),
    "new group": Form("/admin/grupper/ny", "admin", GROUP_FIELDS, ADMIN),
    "edit group": Form("/admin/grupper/{group_id}/redigera", "admin", GROUP_FIELDS, ADMIN),
    "new category": Form("/admin/kategorier/ny", "admin", CATEGORY_FIELDS, ADMIN),
    "edit category": Form(
        "/admin/kategorier/{category_id}/redigera", "admin", CATEGORY_FIELDS, ADMIN
    ),
    "new rule": Form("/admin/regler/ny", "admin", RULE_FIELDS, ADMIN),
    "edit rule": Form("/admin/regler/{rule_id}/redigera", "admin", RULE_FIELDS, ADMIN),
    "new reason": Form(
        "/admin/orsaker/ny", "admin", {"name": ("Ny orsak",), "active": ("y",)}, ADMIN
    ),
    "edit reason": Form(
        "/admin/orsaker/{reason_id}/redigera",
        "admin",
        {"name": ("Ny orsak",), "active": ("y",)},
        ADMIN,
    ),
    "settings": Form(
        "/admin/installningar",
        "admin",
        {"first_contact_target": ("70", "100"), "repeat_contact_window_days": ("7", "90")},
    ),
    "office hours": Form("/admin/arbetstid/vecka", "admin", WEEK_FIELDS),
    "closed day": Form(
        "/admin/arbetstid/dagar",
        "admin",
        {
            "special-day": ("{tomorrow}",),
            "special-kind": ("closed", "shortened"),
            "special-closes": ("13:00",),
            "special-note": ("Personaldag",),
        },
    ),
}


def client_for(app, scene, who: str):
    client = app.test_client()
    if who != "anonymous":
        login(client, getattr(scene.org.users, who))
    return client


@pytest.mark.parametrize("name", sorted(FORMS))
@FUZZ
@given(data=st.data())
def test_every_form_survives_hostile_input(app, scene, name, data):
    form = FORMS[name]
    values = dict(scene.values)
    if form.setup is not None:
        values.update(form.setup(app, scene))
    fields = {k: tuple(v.format(**values) for v in valid) for k, valid in form.fields.items()}
    body = encode(draw_values(data, fields, form.multi))

    client = client_for(app, scene, form.who)
    before = snapshot(app)
    response = client.post(
        form.url.format(**values),
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    check_answer(response, set(form.allowed))
    if response.status_code >= 400:
        changed = changed_tables(before, snapshot(app))
        assert not changed, f"refused with {response.status_code}, yet changed {changed}"
    elif response.status_code == 302 and response.location.startswith("/"):
        # Saved: the page it leads to usually shows what was saved, escaped.
        check_answer(client.get(response.location), {200, 302, 404})


# --- every query parameter ---------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str
    who: str
    params: dict[str, tuple[str, ...]]
    allowed: frozenset[int] = frozenset({200})
    # What a GET answered with 200 may add to (a search that found nothing is noted).
    notes: frozenset[str] = frozenset()


STATS = {
    "period": ("today", "week", "month", "last_month", "year", "last_12_months", "custom"),
    "from": ("2026-01-01", "2025-12-31"),
    "to": ("2026-03-31", "2026-01-01"),
    "channel": ("", "phone", "web"),
    "group": ("", "{bygg}", "{social}"),
    "department": ("", "{department_id}"),
    "category": ("", "{cat}"),
    "language": ("", "sv", "fi"),
}
PAGES = {
    "inbox": Page(
        "/inkorg",
        "agent",
        {
            "q": ("soptunna", "KT-2026-1", ""),
            "channel": ("", "phone", "web"),
            "category": ("", "{cat}"),
            "status": ("", "open", "waiting"),
            "page": ("1", "2"),
            "sort": ("oldest", "due"),
        },
    ),
    "queue": Page("/ko/bygglov", "member", {"sort": ("oldest", "due"), "page": ("1", "2")}),
    "mine": Page("/mina", "member", {"page": ("1",)}),
    "without activity": Page("/arenden/utan-aktivitet", "agent", {"page": ("1", "2")}),
    "reads": Page(
        "/admin/lasningar",
        "admin",
        {"arende": ("KT-2026-000001", ""), "page": ("1",)},
        frozenset({200, 400}),
    ),
    "claims nobody can work": Page("/admin/fastnade-arenden", "admin", {"page": ("1",)}),
    "quarantined e-mail": Page("/admin/karantan", "admin", {"page": ("1", "2")}),
    "search": Page("/sok", "agent", {"q": ("tunnan", "KT-2026-000001"), "page": ("1", "3")}),
    "dashboard": Page(
        "/statistik",
        "manager",
        {**STATS, "sort": ("name", "resolved", "first_contact")},
        frozenset({200, 400}),
    ),
    "dashboard for staff": Page("/statistik", "member", STATS, frozenset({200, 400})),
    "dashboard json": Page("/statistik.json", "manager", STATS, frozenset({200, 400})),
    "drill-down": Page(
        "/statistik/arenden",
        "manager",
        {
            **STATS,
            "measure": ("resolved", "first_contact", "backlog", "received"),
            "page": ("1", "2"),
            "age": ("0-2", "30+"),
            "overdue": ("1",),
        },
        frozenset({200, 400, 404}),
    ),
    "my exports": Page("/statistik/exporter", "member", {"page": ("1",)}),
    "contact list": Page(
        "/statistik/kontaktlista.csv", "manager", {"date": ("{today}",)}, frozenset({200, 400})
    ),
    "audit log": Page(
        "/admin/logg",
        "admin",
        {
            "action": ("ticket.read", "auth."),
            "user": ("", "{user_id}", "none"),
            "text": ("KT-2026",),
            "from": ("2026-01-01",),
            "to": ("2026-12-31",),
            "address": ("127.0.0.1", "10.1"),
            "page": ("1", "2"),
        },
        frozenset({200, 400}),
    ),
    "login next": Page("/logga-in", "anonymous", {"next": ("/inkorg",)}),
    "receipt": Page("/fraga/skickad", "anonymous", {"x": ()}),
    "questions and answers": Page(
        "/fragor-och-svar",
        "anonymous",
        {"q": ("soptunna", "fjärrvärme", ""), "category": ("", "{cat}")},
        frozenset({200, 400}),
        notes=frozenset({"search_misses"}),
    ),
}


@pytest.mark.parametrize("name", sorted(PAGES))
@FUZZ
@given(data=st.data())
def test_every_query_parameter_survives_hostile_input(app, scene, name, data):
    page = PAGES[name]
    if name != "receipt":  # something to list
        ticket_in_kundtjanst(app, scene)
    params = {k: tuple(v.format(**scene.values) for v in valid) for k, valid in page.params.items()}
    pairs = draw_values(data, params)
    extra_name = st.one_of(st.sampled_from(NAMES), st.text(max_size=12))
    pairs += data.draw(st.lists(st.tuples(extra_name, hostile), max_size=2), label="extra")
    client = client_for(app, scene, page.who)
    before = snapshot(app)
    response = client.get(page.url, query_string=encode(pairs))
    # NUL anywhere in a URL is refused before any view runs.
    allowed = set(page.allowed) | {400}
    check_answer(response, allowed)
    changed = changed_tables(before, snapshot(app))
    if response.status_code == 200:
        changed = [table for table in changed if table not in page.notes]
    assert not changed, f"a GET changed {changed}"


# --- asking for an export: the filters in the query string, the format in the body -------


@pytest.mark.parametrize("who", ["manager", "member"])
@FUZZ
@given(data=st.data())
def test_asking_for_an_export_survives_hostile_input(app, scene, who, data):
    """A member may ask only for their own groups' figures ({social} is not theirs)."""
    params = {k: tuple(v.format(**scene.values) for v in valid) for k, valid in STATS.items()}
    pairs = draw_values(data, params)
    pairs += data.draw(st.lists(st.tuples(st.sampled_from(NAMES), hostile), max_size=1))
    kind = data.draw(st.one_of(st.sampled_from(("csv", "xlsx")), hostile, st.just(OMIT)))
    body = encode([] if kind is OMIT else [("format", kind)])
    client = client_for(app, scene, who)
    before = snapshot(app)
    response = client.post(
        "/statistik/exporter",
        query_string=encode(pairs),
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    check_answer(response, {303, 400})
    changed = changed_tables(before, snapshot(app))
    if response.status_code == 303:
        assert changed == ["exports"]
        check_answer(client.get(response.location), {200})
        with app.app_context():  # examples accumulate: keep under the limit of waiting ones
            db.session.execute(update(Export).values(status=ExportStatus.FAILED))
            db.session.commit()
    else:
        assert not changed, f"refused with {response.status_code}, yet changed {changed}"


# --- hostile path segments: references, tokens, slugs, ids, days ---------------------------

PATHS = {
    "/arenden/{x}": ("GET", "agent", {404, 400}),
    "/arenden/{x}/svara": ("POST", "agent", {404, 400}),
    "/arende/{x}": ("GET", "anonymous", {404, 400}),
    "/fragor-och-svar/{x}": ("GET", "anonymous", {404, 400}),
    "/ko/{x}": ("GET", "member", {403, 404, 400}),
    "/admin/grupper/{x}/redigera": ("GET", "admin", {404, 400, 200}),  # 200: "1" is a group
    "/admin/anvandare/{x}/losenord": ("POST", "admin", {404, 400}),
    "/admin/regler/{x}/ta-bort": ("POST", "admin", {404, 400, 302}),  # 302: "1" is a rule
    "/admin/arbetstid/dagar/{x}/ta-bort": ("POST", "admin", {404, 400}),
    "/statistik/exporter/{x}": ("GET", "manager", {404, 400}),
    "/statistik/exporter/{x}.json": ("GET", "manager", {404, 400}),
    "/statistik/exporter/{x}/fil": ("GET", "manager", {404, 400}),
}


@FUZZ
@given(data=st.data())
def test_hostile_path_segments(app, scene, data):
    template = data.draw(st.sampled_from(sorted(PATHS)), label="url")
    method, who, allowed = PATHS[template]
    segment = data.draw(
        st.one_of(hostile, st.sampled_from(("KT-2026-999999", "a" * 43, "x" * 2000))),
        label="segment",
    )
    raw = segment if isinstance(segment, bytes) else segment.encode("utf-8", "surrogatepass")
    if not raw or raw in (b".", b".."):  # another page altogether, or a redirect to one
        return
    url = template.replace("{x}", quote_from_bytes(raw, safe=""))
    client = client_for(app, scene, who)
    before = snapshot(app)
    response = client.open(url, method=method)
    # 308: "%2F" in a segment is a slash, and Werkzeug redirects "//" to "/".
    check_answer(response, allowed | {308})
    if response.status_code >= 308:
        assert not changed_tables(before, snapshot(app))


# --- wrong methods, oversized bodies --------------------------------------------------------

SAMPLE_ARGS = {
    "reference": "KT-2026-000001",
    "token": "a" * 43,
    "slug": "bygglov",
    "day": "2026-12-24",
    "filename": "css/app.css",
}


def test_wrong_methods_get_the_405_page(app, scene):
    client = client_for(app, scene, "admin")
    tried = 0
    served: dict[str, set[str]] = {}  # one address may have a rule per method
    for rule in app.url_map.iter_rules():
        served.setdefault(rule.rule, set()).update(rule.methods)
    for rule in app.url_map.iter_rules():
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<{arg}>", SAMPLE_ARGS.get(arg, "1")).replace(f"<int:{arg}>", "1")
            url = url.replace(f"<path:{arg}>", SAMPLE_ARGS.get(arg, "x"))
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            if method in served[rule.rule]:
                continue
            response = client.open(url, method=method)
            assert response.status_code == 405, (method, url, response.status_code)
            if rule.endpoint != "static" and response.mimetype == "text/html":
                assert "Det går inte att göra så på den här sidan." in response.get_data(
                    as_text=True
                ), (method, url)
            tried += 1
    assert tried > 100


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("anonymous", "/fraga"),
        ("anonymous", "/arende/{token}"),
        ("anonymous", "/logga-in"),
        ("agent", "/ny-kontakt"),
        ("agent", "/arenden/{ref}/svara"),
        ("admin", "/admin/grupper/ny"),
    ],
)
def test_oversized_bodies_get_the_413_page(app, scene, who, url):
    values = ticket_in_kundtjanst(app, scene)
    limit = app.config["MAX_CONTENT_LENGTH"]
    client = client_for(app, scene, who)
    before = snapshot(app)
    body = "subject=x&question=" + "x" * limit
    response = client.post(
        url.format(**values), data=body, content_type="application/x-www-form-urlencoded"
    )
    check_answer(response, {413})
    assert not changed_tables(before, snapshot(app))
    # The same as multipart, built by hand (the test client would spool it to a file).
    part = 'Content-Disposition: form-data; name="question"\r\n\r\n' + "x" * limit
    response = client.post(
        url.format(**values),
        data=f"--fuzz\r\n{part}\r\n--fuzz--\r\n",
        content_type="multipart/form-data; boundary=fuzz",
    )
    check_answer(response, {413})
    assert not changed_tables(before, snapshot(app))


# --- bodies that are no form (issue 11, finding 2) ------------------------------------------


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "fuzz") -> bytes:
    """multipart/form-data by hand: (name, file name or None for a text part, content)."""
    out = b""
    for name, filename, content in parts:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        if filename is not None:
            head += f'; filename="{filename}"\r\nContent-Type: application/octet-stream'
        out += head.encode() + b"\r\n\r\n" + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


MULTIPART = "multipart/form-data; boundary=fuzz"
URLENCODED = "application/x-www-form-urlencoded"
# A JSON body of every shape: text, numbers, nested objects, lists, null, booleans;
# arrays and scalars at the top; invalid JSON; nothing at all.
JSON_BODIES = (
    '{"subject": "Soptunnan", "email": "eva@example.org", "password": "x"}',
    '{"subject": 5, "category": 1.5, "sla_hours": -1e308, "version": 99999999999999999999}',
    '{"email": {"a": 1}, "name": {"first": {"deep": [1, 2]}}}',
    '{"subject": ["a", "b"], "memberships": [[1], {"x": null}]}',
    '{"subject": null, "email": null, "csrf_token": null}',
    '{"active": true, "confidential": false}',
    '[1, "a", null, {"b": 2}]',
    "5",
    '"text"',
    "true",
    "null",
    '{"subject": ',
    "",
)
NOT_FORMS = (
    *[("application/json", body.encode()) for body in JSON_BODIES],
    ("application/json; charset=utf-16", '{"subject": 5}'.encode("utf-16")),
    ("application/merge-patch+json", b'{"subject": 5}'),
    ("text/plain", b"email=agent@kommun.test\r\npassword=x"),
    ("text/plain; charset=latin-1", "subject=Å".encode("latin-1")),
    (None, b"subject=x&email=y"),
    ("application/octet-stream", b"\x00\xff\xfe"),
    ("application/xml", b"<subject>1</subject>"),
    ("form-data", b"subject=x"),
)
FILES_AND_TEXT = multipart(
    [
        ("subject", "subject.txt", b"Soptunnan"),
        ("email", "e.json", b'{"a": 1}'),
        ("question", None, "Text del å".encode()),
        ("csrf_token", "token.bin", b"\x00\xff"),
    ]
)
FORM_SHAPED = (
    (MULTIPART, FILES_AND_TEXT),
    ("multipart/form-data; boundary=fuzz; charset=latin-1", FILES_AND_TEXT),
    ("multipart/form-data", b"no boundary given"),
    (MULTIPART, b'--fuzz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'),
    (f"{URLENCODED}; charset=latin-1", "subject=Å&email=ö".encode("latin-1")),
    (f"{URLENCODED}; charset=utf-16", "subject=x".encode("utf-16")),
    (f"{URLENCODED}; charset=nonsense", b"subject=%FF%FE&%C3%28=1"),
)


def post(client, url: str, content_type: str | None, body: bytes, **headers):
    if content_type is not None:
        headers["Content-Type"] = content_type
    return client.post(url, data=body, headers=headers)


def post_urls(app, values: dict) -> list[str]:
    """Every URL of the URL map that takes a POST, its parts filled from ``values``.
    The API's take JSON and a token first: tests/test_api_fuzz.py sends them the same
    bodies."""
    fill = {
        "reference": values["ref"],
        "token": values["token"],
        "day": values["tomorrow"],
        **{key: values[key] for key in ("user_id", "group_id", "category_id", "rule_id")},
        **{key: values[key] for key in ("department_id", "reason_id")},
        "outbox_id": "1",
        **{key: "1" for key in ("article_id", "number", "template_id", "token_id")},
        **{key: "1" for key in ("article_id", "number", "template_id")},
        **{key: "1" for key in ("subscription_id", "delivery_id")},
        "language": "en",
        # A quarantined mail: never reached here (refused before any view reads it).
        "mail_id": str(values.get("mail_id", 1)),
    }
    return sorted(
        re.sub(r"<(?:\w+:)?(\w+)>", lambda m: fill[m.group(1)], rule.rule)
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    )


@pytest.fixture
def csrf_app(app, database_url):
    """The production setting: CSRF protection on (the same database as ``app``)."""
    protected = make_app(database_url, WTF_CSRF_ENABLED=True)
    yield protected
    with protected.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_every_post_route_takes_form_bodies_only(app, csrf_app, scene, who):
    """JSON of every shape, plain text, no content type …: 415, before CSRF or any view
    reads them. Multipart with file parts, forms with a wrong charset: read as forms,
    refused for want of a CSRF token, never a 500. Nothing stored."""
    values = {**scene.values, **ticket_in_kundtjanst(app, scene)}
    urls = post_urls(app, values)
    assert len(urls) > 30
    client = client_for(csrf_app, scene, who)
    before = snapshot(app)
    for url in urls:
        for content_type, body in NOT_FORMS:
            response = post(client, url, content_type, body)
            assert response.status_code == 415, (url, content_type, body, response.status_code)
            check_answer(response, {415})
        for content_type, body in FORM_SHAPED:
            check_answer(post(client, url, content_type, body), {400})
    assert not changed_tables(before, snapshot(app))
    if who != "anonymous":  # still logged in: no request above logged out
        assert client.get("/inkorg").status_code != 302


@pytest.mark.parametrize(
    ("who", "url", "body"),
    [
        ("anonymous", "/fraga", {"category": "{cat}", "subject": 5, "question": ["a"]}),
        ("anonymous", "/logga-in", {"email": {"a": 1}, "password": 5}),
        ("anonymous", "/arende/{token}", {"message": 5}),
        ("agent", "/ny-kontakt", {"channel": "phone", "subject": 5, "action": "open"}),
        ("admin", "/admin/grupper/ny", {"slug": 5, "name": {"a": 1}, "kind": "answer"}),
    ],
)
def test_json_bodies_are_refused_not_crashed(app, scene, who, url, body):
    """Flask-WTF read JSON bodies, and a number or an object where a form has text was
    a 500 (for anonymous users too). Now a 415 page, or JSON when asked for."""
    values = {**scene.values, **ticket_in_kundtjanst(app, scene)}
    body = {k: v.format(**values) if isinstance(v, str) else v for k, v in body.items()}
    client = client_for(app, scene, who)
    before = snapshot(app)
    response = client.post(url.format(**values), json=body)
    check_answer(response, {415})
    assert CLEAR[415][0] in response.get_data(as_text=True)
    asked = client.post(url.format(**values), json=body, headers={"Accept": "application/json"})
    assert asked.status_code == 415
    assert asked.get_json() == {"error": "Fel format", "message": CLEAR[415][0]}
    assert not changed_tables(before, snapshot(app))


def test_a_blueprint_on_the_allow_list_reads_json(database_url, monkeypatch):
    """The allow-list (errors.BODIES_BEYOND_FORMS) lets a JSON API take JSON; everywhere
    else stays form-only, and a form never reads JSON even there."""
    from flask import Blueprint, jsonify, request

    from kundtjanst import errors
    from kundtjanst.intake.forms import QuestionForm

    api = Blueprint("api_test", __name__)

    @api.post("/api/test")
    def echo():
        form = QuestionForm(meta={"csrf": False})
        return jsonify(sent=request.get_json(), form_subject=form.subject.data)

    monkeypatch.setitem(errors.BODIES_BEYOND_FORMS, "api_test", frozenset({"application/json"}))
    with_api = make_app(database_url)
    with_api.register_blueprint(api)
    client = with_api.test_client()
    response = client.post("/api/test", json={"subject": 5})
    assert response.status_code == 200
    assert response.get_json() == {"sent": {"subject": 5}, "form_subject": None}
    assert client.post("/api/test", data=b"x", content_type="text/plain").status_code == 415
    assert client.post("/fraga", json={"subject": "x"}).status_code == 415
    with with_api.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("name", sorted(FORMS))
def test_file_parts_never_reach_a_form(app, scene, name):
    """Every field sent as a file part (with a value that would do as text) is a
    missing field: the answer is the one to a form sent empty, and a refusal stores
    nothing. The application takes no uploads; no validator sees a file."""
    form = FORMS[name]
    client = client_for(app, scene, form.who)
    answers = []
    for as_files in (True, False):
        values = dict(scene.values)
        if form.setup is not None:
            values.update(form.setup(app, scene))
        if as_files:
            parts = [
                (k, f"{k}.txt", v[0].format(**values).encode()) for k, v in form.fields.items() if v
            ]
            body, content_type = multipart([*parts, ("unrelated", None, b"1")]), MULTIPART
        else:
            body, content_type = b"unrelated=1", URLENCODED
        before = snapshot(app)
        response = post(client, form.url.format(**values), content_type, body)
        check_answer(response, set(form.allowed))
        if response.status_code >= 400:
            assert not changed_tables(before, snapshot(app))
        answers.append(response.status_code)
    assert answers[0] == answers[1]


# --- one line means one line (issue 11, finding 6) --------------------------------------------

ONE_LINE = "Skriv på en rad, utan radbrytningar."
DIRECTION = "Texten innehåller osynliga tecken som ändrar textens riktning. Ta bort dem."
# Every single-line field of every form in FORMS (an edit form has its new form's) ...
_NEW_ADMIN = {
    "new user": ("email", "name"),
    "new department": ("name",),
    "new group": ("slug", "name", "email"),
    "new category": ("name",),
    "new rule": ("name", "email_domain"),
    "new reason": ("name",),
}
SINGLE_LINE = {
    "question": ("subject", "name", "email", "phone"),
    "login": ("email",),
    "new contact": ("subject", "name", "email", "phone", "referred_to"),
    "resolve": ("resolve-diarienummer", "resolve-referred_to"),
    "resolve in an answer group": ("resolve-could_note",),
    "repeat": ("repeat-earlier",),
    "translate article": ("title",),
    **_NEW_ADMIN,
    **{name.replace("new", "edit", 1): fields for name, fields in _NEW_ADMIN.items()},
    "office hours": tuple(name for name in WEEK_FIELDS if not name.endswith("_open")),
    "closed day": ("special-day", "special-closes", "special-note"),
}
# ... and every field over several lines.
MULTI_LINE = {
    "question": ("question",),
    "status message": ("message",),
    "new contact": ("notes", "handoff_note"),
    "reply": ("reply-body",),
    "note": ("note-body",),
    "escalate": ("escalate-note",),
    "resolve": ("resolve-reply", "resolve-note"),
    "transfer": ("transfer-note",),
    "translate article": ("summary", "body"),
    "new category": ("description",),
    "new rule": ("keywords",),
}


def post_with(app, scene, name: str, field_name: str, value: str):
    """The form sent with sensible values, ``field_name`` set to ``value``: the answer,
    the tables it changed, and the page that says what was wrong (a button's errors
    are flashed on the page it leads back to)."""
    form = FORMS[name]
    values = dict(scene.values)
    if form.setup is not None:
        values.update(form.setup(app, scene))
    pairs = [(k, v[0].format(**values)) for k, v in form.fields.items() if v]
    pairs = [(k, value if k == field_name else v) for k, v in pairs]
    client = client_for(app, scene, form.who)
    before = snapshot(app)
    response = client.post(form.url.format(**values), data=encode(pairs), content_type=URLENCODED)
    changed = changed_tables(before, snapshot(app))
    page = client.get(response.location) if response.status_code == 302 else response
    return response, changed, page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("name", "field_name"),
    [(name, f) for name, fields in sorted(SINGLE_LINE.items()) for f in fields],
)
def test_single_line_fields_refuse_line_breaks_and_direction_controls(app, scene, name, field_name):
    """A subject with a line break added lines to a group's e-mail; a group name with
    one broke every notice to the group."""
    refused = 302 if name == "repeat" else 400  # a button: back to the ticket page
    for value, message in (
        ("Rad ett\r\nBcc: x@example.org", ONE_LINE),
        ("fdp\u202eexe", DIRECTION),
    ):
        response, changed, page = post_with(app, scene, name, field_name, value)
        assert response.status_code == refused, (value, response.status_code)
        assert message in page, value
        assert not changed, changed


@pytest.mark.parametrize(
    ("name", "field_name"),
    [(name, f) for name, fields in sorted(MULTI_LINE.items()) for f in fields],
)
def test_fields_over_several_lines_keep_line_breaks_but_refuse_direction_controls(
    app, scene, name, field_name
):
    response, changed, page = post_with(app, scene, name, field_name, "fdp\u202eexe")
    assert response.status_code == 400 and DIRECTION in page
    assert not changed, changed
    response, changed, page = post_with(app, scene, name, field_name, "Rad ett\r\nRad två")
    assert response.status_code == 302, page[:2000]
    assert changed


@pytest.mark.parametrize(
    "character",
    [*"\r\n\x0b\x0c\x85\u2028\u2029", *"\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"],
)
def test_every_line_break_and_direction_control_is_refused(app, scene, character):
    response, changed, page = post_with(app, scene, "question", "subject", f"Sop{character}tunnan")
    assert response.status_code == 400 and not changed
    assert (ONE_LINE if character in "\r\n\x0b\x0c\x85\u2028\u2029" else DIRECTION) in page


def test_search_boxes_say_so_and_store_nothing(app, scene):
    """The GET filters: the audit log refuses with its 400, the inbox shows every open
    question with the message beside the box."""
    audit = client_for(app, scene, "admin").get("/admin/logg?text=a%0D%0Ab")
    assert audit.status_code == 400 and ONE_LINE in audit.get_data(as_text=True)
    inbox = client_for(app, scene, "agent").get("/inkorg?q=a%E2%80%AEb")
    assert inbox.status_code == 200 and DIRECTION in inbox.get_data(as_text=True)


def test_every_single_line_text_field_is_made_by_line_field(app):
    """Every text field of every form class: one line through `line_field` (the
    `single_line` validator), several lines through `text_field` (no direction
    controls). Passwords and hidden fields are no text anyone reads."""
    from wtforms import HiddenField, PasswordField, StringField, TextAreaField

    from kundtjanst.forms import BaseForm, no_direction_controls, single_line

    def classes(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from classes(sub)

    checked = 0
    for form_class in classes(BaseForm):
        for name, unbound in vars(form_class).items():
            field_class = getattr(unbound, "field_class", None)
            if field_class is None or not issubclass(field_class, StringField):
                continue
            if issubclass(field_class, (HiddenField, PasswordField)):
                continue
            validators = unbound.kwargs.get("validators") or ()
            wanted = no_direction_controls if field_class is TextAreaField else single_line
            assert wanted in validators, f"{form_class.__name__}.{name}"
            checked += 1
    assert checked > 40


# --- integers PostgreSQL cannot hold, everywhere an id goes into a query -------------------


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "-2147483649"])
def test_ids_beyond_postgresql_integers_are_refused_not_crashed(app, scene, number):
    values = ticket_in_kundtjanst(app, scene)
    agent = client_for(app, scene, "agent")
    admin = client_for(app, scene, "admin")
    manager = client_for(app, scene, "manager")
    before = snapshot(app)
    answers = [
        agent.get(f"/inkorg?category={number}"),
        agent.post(
            f"/arenden/{values['ref']}/eskalera",
            data={"escalate-group": number, "escalate-version": values["version"]},
        ),
        agent.post(
            f"/arenden/{values['ref']}/svara",
            data={"reply-body": "x", "reply-version": number},
        ),
        agent.post(
            "/ny-kontakt",
            data={"channel": "phone", "category": number, "subject": "x", "action": "open"},
        ),
        admin.get(f"/admin/grupper/{number}/redigera"),
        admin.post("/admin/regler/ny", data={"name": "x", "group_id": number}),
        admin.post(
            "/admin/anvandare/ny",
            data={"email": "n@sjostad.se", "name": "N", "role": "staff", "memberships": number},
        ),
        manager.get(f"/statistik?group={number}&department={number}&category={number}"),
        manager.get(f"/statistik/arenden?measure=backlog&page={number}"),
        manager.get(f"/statistik/exporter/{number}"),
        manager.get(f"/statistik/exporter/{number}.json"),
        manager.get(f"/statistik/exporter/{number}/fil"),
        manager.post(
            f"/statistik/exporter?group={number}&category={number}", data={"format": "csv"}
        ),
        admin.get(f"/admin/logg?user={number}&page={number}"),
    ]
    for response in answers:
        check_answer(response, {200, 400, 404, 409})
    assert not changed_tables(before, snapshot(app))


def test_stored_nothing_when_the_database_refuses_text(app, scene):
    """PostgreSQL refuses NUL in text; every form refuses it first, with a message
    next to the field, and stores nothing."""
    client = client_for(app, scene, "anonymous")
    before = snapshot(app)
    response = client.post(
        "/fraga",
        data={"category": scene.values["cat"], "subject": "Hej\x00", "question": "Fråga"},
    )
    assert response.status_code == 400
    assert "Innehåller tecken som inte är tillåtna." in response.get_data(as_text=True)
    assert not changed_tables(before, snapshot(app))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


# --- what the fuzzing found, kept as plain regression tests --------------------------------

STATS_OUT_OF_RANGE = (
    "period=custom&from=9999-12-30&to=9999-12-31",
    "period=custom&from=0001-01-01&to=0001-01-02",
    "from=1989-12-31&to=1990-01-05",
)


@pytest.mark.parametrize(
    ("who", "url", "allowed"),
    [
        # "²" passes str.isdigit() but not int(); and int() refuses over 4,300 digits.
        ("agent", "/inkorg?page=%C2%B2", {200}),
        ("agent", "/inkorg?page=" + "9" * 5000, {200}),
        ("agent", "/inkorg?category=%C2%B2", {200}),
        ("agent", "/sok?q=a&page=%C2%B2", {200}),
        ("member", "/ko/bygglov?page=%D9%A3", {200}),
        ("manager", "/statistik/arenden?measure=backlog&page=%C2%B2", {200}),
        ("admin", "/admin/logg?page=%C2%B2", {200}),
        # Query parameters were passed to url_for() as keywords by the pager and the
        # sort links: "endpoint" or "_method" was a 500, "_external" rewrote the links.
        ("agent", "/inkorg?endpoint=x", {200}),
        ("agent", "/inkorg?_method=POST&_external=1&_anchor=%0aalert(1)", {200}),
        # Years 1 and 9999 overflowed the day arithmetic (a 500 on every stats page).
        *[("manager", f"/statistik?{q}", {400}) for q in STATS_OUT_OF_RANGE],
        *[("manager", f"/statistik.json?{q}", {400}) for q in STATS_OUT_OF_RANGE],
        *[("manager", f"/statistik/arenden?{q}", {400}) for q in STATS_OUT_OF_RANGE],
        ("manager", "/statistik/kontaktlista.csv?date=9999-12-31", {400}),
        ("manager", "/statistik/kontaktlista.csv?date=0001-01-01", {400}),
        ("manager", "/statistik/kontaktlista.csv?date=%D9%A2%D9%A0%D9%A2%D9%A6-01-01", {400}),
    ],
)
def test_found_by_fuzzing(app, scene, who, url, allowed):
    check_answer(client_for(app, scene, who).get(url), allowed)


@pytest.mark.parametrize("query", STATS_OUT_OF_RANGE)
def test_exports_of_dates_out_of_range_are_refused(app, scene, query):
    client = client_for(app, scene, "manager")
    before = snapshot(app)
    for kind in ("csv", "xlsx"):
        response = client.post(f"/statistik/exporter?{query}", data={"format": kind})
        check_answer(response, {400})
        assert "Välj datum från 1990-01-01 till 2099-12-31." in response.get_data(as_text=True)
    assert not changed_tables(before, snapshot(app))


def test_dates_out_of_range_are_explained(app, scene):
    html = client_for(app, scene, "manager").get(
        "/statistik?period=custom&from=9999-12-30&to=9999-12-31"
    )
    assert "Välj datum från 1990-01-01 till 2099-12-31." in html.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    ["/\\evil.example", "/\t/evil.example", "/\n/evil.example", "/a\r\nSet-Cookie: x=1", "//x"],
)
def test_redirect_targets_never_leave_the_site(app, scene, target):
    """Browsers read "/\\host" and "/<tab>/host" as "//host"; a line break in a
    Location header was a 500."""
    response = client_for(app, scene, "anonymous").get("/sprak/sv?next=" + quote(target, safe=""))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client_for(app, scene, "anonymous").post(
        "/logga-in?next=" + quote(target, safe=""),
        data={"email": scene.values["agent_email"], "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/inkorg"  # the agent's start page instead


def test_exports_hand_no_formula_to_a_spreadsheet(app, scene):
    """A subject area named like a formula, a citizen e-mail that starts one: the
    exports give them as text (OWASP's leading apostrophe), phone numbers stay."""
    from io import BytesIO

    from openpyxl import load_workbook

    from kundtjanst.org.models import Category

    formula = '=HYPERLINK("http://evil.example","Klicka")'
    with app.app_context():
        category = Category(name=formula, sla_hours=8)
        db.session.add(category)
        db.session.commit()
        for channel, email in ((Channel.EMAIL, "=1+2@example.org"), (Channel.PHONE, None)):
            ticket, _ = new_ticket(channel=channel, category_id=category.id, citizen_email=email)
            ticket.citizen_phone = "+46 70-123 45 67" if channel == Channel.PHONE else None
        db.session.commit()
    manager = client_for(app, scene, "manager")

    csv_text = export(app, manager, "period=today").get_data(as_text=True)
    assert f"'{formula}" in csv_text.replace('""', '"')
    assert ";=" not in csv_text and ';"=' not in csv_text

    workbook = load_workbook(BytesIO(export(app, manager, "period=today", "xlsx").data))
    cells = [c for row in workbook.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert f"'{formula}" in [c.value for c in cells]

    contacts = manager.get(f"/statistik/kontaktlista.csv?date={scene.values['today']}")
    text = contacts.get_data(as_text=True)
    assert "'=1+2@example.org" in text and "+46 70-123 45 67" in text
    assert "'+46" not in text


def test_pager_and_sort_links_keep_parameters_out_of_url_for(app, scene):
    with app.app_context():
        for i in range(7):  # two pages of five
            new_ticket(subject=f"Fråga {i}")
    hostile_query = "endpoint=x&_method=POST&_external=1&_scheme=https&_anchor=%0aalert(1)"
    for url in (f"/sok?q=Fr%C3%A5ga&{hostile_query}", f"/inkorg?{hostile_query}"):
        response = client_for(app, scene, "agent").get(url)
        check_answer(response, {200})
        html = response.get_data(as_text=True)
        next_link = re.search(r'<a href="([^"]*)" rel="next">', html).group(1)
        assert next_link.startswith(url.split("?")[0] + "?") and "#" not in next_link
        assert "endpoint=x" in next_link and "page=2" in next_link  # carried, as data
