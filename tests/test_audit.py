"""The audit log: every read of a confidential ticket, every change to users, groups,
rules and settings, every export, retention run and login — with who, when, what and
from which address; an administrators' page to browse it; and no way to change it,
not through the application, the ORM or SQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from kundtjanst.audit.models import AuditEntry, AuditLogIsAppendOnly
from kundtjanst.audit.services import record
from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import local_today
from kundtjanst.core.vocabulary import Channel
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, CouldReason, Department, Group
from kundtjanst.retention.services import anonymise_expired
from kundtjanst.routing.models import RoutingRule
from kundtjanst.tickets import services

from .conftest import make_app
from .exporting import export
from .factories import PASSWORD, new_ticket

ADDRESS = "10.20.30.40"
CITIZEN = {
    "name": "Gunilla Medborgare",
    "email": "gunilla.medborgare@example.org",
    "phone": "070-987 65 43",
    "subject": "Ansökan om försörjningsstöd",
    "description": "Jag har inga pengar till hyran denna månad.",
}


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            stmt = stmt.where(AuditEntry.action == action)
        found = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return found


def one(app, action: str) -> AuditEntry:
    found = entries(app, action)
    assert len(found) == 1, [(e.action, e.target, e.details) for e in entries(app)]
    return found[0]


def assert_recent(entry: AuditEntry) -> None:
    assert datetime.now(UTC) - timedelta(minutes=1) < entry.created_at <= datetime.now(UTC)


@pytest.fixture
def as_user(login_as):
    """A client logged in as ``who``, calling from ADDRESS."""

    def make(who: str):
        client = login_as(who)
        client.environ_base["REMOTE_ADDR"] = ADDRESS
        return client

    return make


@pytest.fixture
def secret(app, org) -> str:
    """A confidential ticket (Ekonomiskt bistånd goes to Socialtjänst) from a named citizen."""
    with app.app_context():
        contact = services.Contact(
            channel=Channel.EMAIL,
            subject=CITIZEN["subject"],
            description=CITIZEN["description"],
            category=db.session.get(Category, org.categories.bistand),
            citizen_name=CITIZEN["name"],
            citizen_email=CITIZEN["email"],
            citizen_phone=CITIZEN["phone"],
        )
        ticket, _ = services.create_ticket(contact)
        db.session.commit()
        assert ticket.confidential and ticket.group_id == org.groups.social
        return ticket.reference


@pytest.fixture
def open_ticket(app, org) -> str:
    """A ticket that is not confidential (with kundtjänst)."""
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.bygglov)
        assert not ticket.confidential
        return ticket.reference


# --- reads of confidential tickets ----------------------------------------------------


def test_every_view_of_a_confidential_ticket_is_recorded(app, org, as_user, secret):
    member = as_user("social")
    assert member.get(f"/arenden/{secret}").status_code == 200
    assert member.get(f"/arenden/{secret}").status_code == 200
    reads = entries(app, "ticket.read")
    assert len(reads) == 2
    for entry in reads:
        assert entry.user_id == org.users.social
        assert entry.address == ADDRESS
        assert entry.target == secret
        assert_recent(entry)


def test_the_page_shown_again_after_a_bad_form_is_a_read_too(app, as_user, secret):
    member = as_user("social")
    assert member.post(f"/arenden/{secret}/anteckning", data={"note-body": ""}).status_code == 400
    assert one(app, "ticket.read").target == secret


def test_reads_of_other_tickets_are_not_recorded(app, as_user, open_ticket):
    assert as_user("agent").get(f"/arenden/{open_ticket}").status_code == 200
    assert entries(app, "ticket.read") == []


def test_kundtjanst_seeing_the_status_is_recorded_as_metadata(app, org, as_user, secret):
    agent = as_user("agent")
    assert agent.get(f"/arenden/{secret}").status_code == 200
    assert agent.get(f"/sok?q={secret}").status_code == 200
    seen = entries(app, "ticket.metadata")
    assert [e.target for e in seen] == [secret, secret]
    assert {e.user_id for e in seen} == {org.users.agent}
    assert entries(app, "ticket.read") == []


def test_nobody_else_leaves_a_read(app, as_user, secret):
    for who in ("member", "manager", "admin"):
        assert as_user(who).get(f"/arenden/{secret}").status_code == 404
    assert entries(app) == []


@pytest.mark.parametrize(
    "url",
    [
        "/ko/socialtjanst",
        "/sok?q=hyran",
        "/sok?q={ref}",
        "/statistik/arenden?measure=received&period=today",
        "/statistik/arenden?measure=backlog",
    ],
)
def test_lists_record_the_confidential_tickets_they_show(app, org, as_user, secret, url):
    response = as_user("social").get(url.format(ref=secret))
    assert response.status_code == 200
    assert secret in response.get_data(as_text=True)
    entry = one(app, "ticket.list")
    assert entry.details == {"references": [secret]}
    assert entry.target == url.split("?")[0]
    assert entry.user_id == org.users.social and entry.address == ADDRESS


def test_lists_without_confidential_tickets_record_nothing(app, as_user, secret, open_ticket):
    assert as_user("member").get("/ko/bygglov").status_code == 200
    manager = as_user("manager")
    assert manager.get("/statistik/arenden?measure=received&period=today").status_code == 200
    assert entries(app) == []


def test_exports_name_the_confidential_tickets_they_hold(app, as_user, secret, open_ticket):
    """The request is recorded with its filters; each download with the confidential
    tickets the file holds (worked out by the job, as the requester)."""
    csv = export(app, as_user("social"), "period=today")
    assert secret in csv.get_data(as_text=True)
    asked = one(app, "stats.export")
    assert asked.target == "csv" and asked.address == ADDRESS
    assert asked.user_id is not None and "confidential" not in asked.details
    entry = one(app, "stats.export_download")
    assert entry.target == "csv" and entry.details["confidential"] == [secret]
    assert entry.details["export"] == asked.details["export"]
    assert entry.address == ADDRESS and entry.user_id == asked.user_id

    export(app, as_user("manager"), "period=today", "xlsx").get_data()
    downloads = entries(app, "stats.export_download")
    assert downloads[-1].target == "xlsx" and "confidential" not in downloads[-1].details


# --- changes ---------------------------------------------------------------------------


def test_user_changes_are_recorded_without_passwords(app, org, as_user):
    admin = as_user("admin")
    response = admin.post(
        "/admin/anvandare/ny",
        data={
            "email": "nils.ny@kommun.se",
            "name": "Nils Ny",
            "role": "staff",
            "password": "ett långt lösenord",
            "memberships": [org.groups.bygg],
            "active": "y",
        },
    )
    assert response.status_code == 302
    created = one(app, "user.create")
    with app.app_context():
        new_id = db.session.scalar(select(User.id).where(User.email == "nils.ny@kommun.se"))
    assert created.target == f"user:{new_id}"
    assert created.user_id == org.users.admin and created.address == ADDRESS
    assert_recent(created)
    assert created.details["changes"]["role"] == [None, "staff"]
    assert created.details["changes"]["groups"] == [None, ["bygglov"]]

    response = admin.post(
        f"/admin/anvandare/{new_id}/redigera",
        data={
            "email": "nils.ny@kommun.se",
            "name": "Nils Ny",
            "role": "manager",
            "memberships": [org.groups.bygg, org.groups.social],
        },
    )
    assert response.status_code == 302
    updated = one(app, "user.update")
    assert updated.details == {
        "changes": {
            "role": ["staff", "manager"],
            "active": [True, False],
            "groups": [["bygglov"], ["bygglov", "socialtjanst"]],
        }
    }

    url = f"/admin/anvandare/{new_id}/losenord"
    assert admin.post(url, data={"password": "ett annat långt lösenord"}).status_code == 302
    reset = one(app, "user.password")
    assert reset.target == f"user:{new_id}" and reset.details == {}
    with app.app_context():
        password_hash = db.session.get(User, new_id).password_hash
    everything = json.dumps([(e.target, e.details) for e in entries(app)], ensure_ascii=False)
    assert "lösenord" not in everything and password_hash not in everything


def test_saving_a_user_unchanged_records_nothing(app, org, as_user):
    with app.app_context():
        db.session.get(User, org.users.member).email = "bygg1@kommun.se"
        db.session.commit()
    data = {
        "email": "bygg1@kommun.se",
        "name": "Bo Bygg",
        "role": "staff",
        "memberships": [org.groups.bygg],
        "active": "y",
    }
    admin = as_user("admin")
    assert admin.post(f"/admin/anvandare/{org.users.member}/redigera", data=data).status_code == 302
    assert entries(app, "user.update") == []
    data["email"] = "bo.bygg@kommun.se"
    assert admin.post(f"/admin/anvandare/{org.users.member}/redigera", data=data).status_code == 302
    assert one(app, "user.update").details == {
        "changes": {"email": ["bygg1@kommun.se", "bo.bygg@kommun.se"]}
    }


def test_department_group_category_and_rule_changes(app, org, as_user):
    admin = as_user("admin")
    assert admin.post("/admin/forvaltningar/ny", data={"name": "Kultur"}).status_code == 302
    with app.app_context():
        dept = db.session.scalar(select(Department.id).where(Department.name == "Kultur"))
    url = f"/admin/forvaltningar/{dept}/redigera"
    assert admin.post(url, data={"name": "Kultur och fritid"}).status_code == 302
    assert admin.post(f"/admin/forvaltningar/{dept}/ta-bort").status_code == 302
    actions = [(e.action, e.target, e.details["changes"]) for e in entries(app)]
    assert actions == [
        ("department.create", f"department:{dept}", {"name": [None, "Kultur"]}),
        ("department.update", f"department:{dept}", {"name": ["Kultur", "Kultur och fritid"]}),
        ("department.delete", f"department:{dept}", {"name": ["Kultur och fritid", None]}),
    ]

    # The confidential flag, and how many tickets it was written to.
    with app.app_context():
        ticket, _ = new_ticket(category_id=org.categories.bygglov)
        bygg = db.session.get(Group, org.groups.bygg)
        services.escalate(ticket, db.session.get(User, org.users.agent), bygg)
        db.session.commit()
        data = {
            "slug": bygg.slug,
            "name": bygg.name,
            "kind": "answer",
            "department_id": bygg.department_id,
            "email": "",
            "active": "y",
            "confidential": "y",
        }
    assert admin.post(f"/admin/grupper/{org.groups.bygg}/redigera", data=data).status_code == 302
    group = one(app, "group.update")
    assert group.target == f"group:{org.groups.bygg}"
    assert group.details["changes"]["confidential"] == [False, True]
    assert group.details["tickets_retagged"] == 1

    category = {
        "name": "Parkering",
        "description": "",
        "default_group_id": "",
        "sla_hours": "24",
        "answer_sla_hours": "40",
        "retention_months": "36",
        "active": "y",
    }
    assert admin.post("/admin/kategorier/ny", data=category).status_code == 302
    created = one(app, "category.create")
    category_id = int(created.target.split(":")[1])
    url = f"/admin/kategorier/{category_id}/redigera"
    assert admin.post(url, data={**category, "retention_months": "12"}).status_code == 302
    assert one(app, "category.update").details["changes"] == {"retention_months": [36, 12]}
    assert admin.post(f"/admin/kategorier/{category_id}/ta-bort").status_code == 302
    assert one(app, "category.delete").details["changes"]["name"] == ["Parkering", None]

    rule = {
        "name": "Parkering",
        "active": "y",
        "channel": "",
        "category_id": "",
        "keywords": "parkering, p-tillstånd",
        "email_domain": "",
        "group_id": org.groups.miljo,
        "priority": "",
    }
    assert admin.post("/admin/regler/ny", data=rule).status_code == 302
    rule_id = int(one(app, "rule.create").target.split(":")[1])
    url = f"/admin/regler/{rule_id}/redigera"
    assert admin.post(url, data={**rule, "priority": "high"}).status_code == 302
    assert one(app, "rule.update").details["changes"] == {"priority": [None, "high"]}
    assert admin.post(f"/admin/regler/{rule_id}/flytta-upp").status_code == 302
    moved = one(app, "rule.move")
    assert moved.details["changes"] == {"place": [2, 1]}
    with app.app_context():
        first = db.session.scalar(select(RoutingRule.id).where(RoutingRule.id != rule_id))
    assert moved.details["order"] == [rule_id, first]
    assert admin.post(f"/admin/regler/{rule_id}/ta-bort").status_code == 302
    assert one(app, "rule.delete").target == f"rule:{rule_id}"
    assert {e.user_id for e in entries(app)} == {org.users.admin}
    assert {e.address for e in entries(app)} == {ADDRESS}


def test_settings_and_reasons(app, org, as_user):
    admin = as_user("admin")
    data = {"first_contact_target": "75", "repeat_contact_window_days": "7"}
    assert admin.post("/admin/installningar", data=data).status_code == 302
    entry = one(app, "setting.update")  # the unchanged window is no change
    assert entry.target == "setting:first_contact_target"
    assert entry.details == {"changes": {"first_contact_target": [70, 75]}}
    assert entry.user_id == org.users.admin and entry.address == ADDRESS

    assert admin.post("/admin/orsaker/ny", data={"name": "Finns på webben", "active": "y"})
    with app.app_context():
        reason = db.session.scalar(select(CouldReason.id))
    assert admin.post(f"/admin/orsaker/{reason}/redigera", data={"name": "Finns på webben"})
    assert one(app, "reason.create").target == f"reason:{reason}"
    assert one(app, "reason.update").details == {"changes": {"active": [True, False]}}


def test_working_calendar_changes(app, as_user):
    admin = as_user("admin")
    day = (local_today() + timedelta(days=30)).isoformat()
    data = {"special-day": day, "special-kind": "closed", "special-note": "Personaldag"}
    assert admin.post("/admin/arbetstid/dagar", data=data).status_code == 302
    assert admin.post(f"/admin/arbetstid/dagar/{day}/ta-bort").status_code == 302
    added, removed = entries(app)
    assert (added.action, added.target, added.address) == ("calendar.day_added", day, ADDRESS)
    assert (removed.action, removed.details) == ("calendar.day_removed", {"note": "Personaldag"})


def test_office_hours_are_recorded_readably_and_only_when_changed(app, as_user):
    admin = as_user("admin")
    week = {f"d{d}_open": "y" for d in range(5)}
    week |= {f"d{d}_opens": "08:00" for d in range(5)} | {f"d{d}_closes": "16:30" for d in range(5)}
    assert admin.post("/admin/arbetstid/vecka", data=week).status_code == 302
    assert entries(app) == []  # the default week, saved as it is: no change
    week["d4_closes"] = "15:00"
    assert admin.post("/admin/arbetstid/vecka", data=week).status_code == 302
    assert admin.post("/admin/arbetstid/vecka", data=week).status_code == 302
    entry = one(app, "calendar.week")
    assert entry.details["week"] == [*["08:00–16:30"] * 4, "08:00–15:00", None, None]
    page = admin.get("/admin/logg?action=calendar").get_data(as_text=True)
    assert "Kontorstid, måndag till söndag" in page and "08:00–15:00" in page

    day = (local_today() + timedelta(days=30)).isoformat()
    data = {"special-day": day, "special-kind": "shortened", "special-closes": "13:00"}
    assert admin.post("/admin/arbetstid/dagar", data=data).status_code == 302
    assert one(app, "calendar.day_added").details == {"closes": "13:00"}


def test_a_search_finds_swedish_letters_in_the_details(app, org, as_user):
    """JSON keeps å, ä and ö as they are, so the text filter finds them."""
    admin = as_user("admin")
    with app.app_context():
        dept = db.session.scalar(select(Department.id).where(Department.name.like("Social%")))
    url = f"/admin/forvaltningar/{dept}/redigera"
    assert admin.post(url, data={"name": "Vård- och omsorgsförvaltningen"}).status_code == 302
    for text_ in ("Socialförvaltningen", "omsorgsförvaltning", "vård- OCH"):
        found = admin.get("/admin/logg", query_string={"text": text_})
        assert shown_actions(found) == ["department.update"], text_


def test_logins_and_logouts(app, org, client):
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    client.post("/logga-in", data={"email": org.emails.member, "password": "fel lösenord!"})
    client.post("/logga-in", data={"email": "okand@kommun.test", "password": PASSWORD})
    client.post("/logga-in", data={"email": org.emails.member, "password": PASSWORD})
    client.post("/logga-ut")
    found = [(e.action, e.target, e.user_id, e.details) for e in entries(app)]
    member = f"user:{org.users.member}"
    assert found == [
        ("auth.login_failed", member, None, {"reason": "wrong_password"}),
        ("auth.login_failed", None, None, {"reason": "unknown_email"}),
        ("auth.login", member, org.users.member, {}),
        ("auth.logout", member, org.users.member, {}),
    ]
    assert {e.address for e in entries(app)} == {ADDRESS}
    everything = json.dumps([(e.target, e.details) for e in entries(app)])
    assert "okand" not in everything and "fel" not in everything


def test_retention_runs_are_recorded_without_a_user(app):
    with app.app_context():
        anonymise_expired(datetime.now(UTC))
        db.session.commit()
    entry = one(app, "retention.run")
    assert entry.user_id is None and entry.address is None


def test_no_citizen_data_in_the_log(app, org, as_user, secret):
    """A confidential ticket worked through lists, pages, search, exports and
    actions leaves entries — and none of them holds the citizen's data or text."""
    member = as_user("social")
    member.get("/ko/socialtjanst")
    member.post(f"/arenden/{secret}/ta")
    member.get(f"/arenden/{secret}")
    member.get("/sok?q=Gunilla")
    export(app, member, "period=today").get_data()
    member.get("/statistik/arenden?measure=received&period=today")
    as_user("agent").get(f"/arenden/{secret}")
    as_user("manager").get(f"/statistik/kontaktlista.csv?date={local_today().isoformat()}")
    found = entries(app)
    assert {e.action for e in found} >= {"ticket.list", "ticket.read", "ticket.metadata"}
    everything = json.dumps(
        [(e.action, e.target, e.details) for e in found], ensure_ascii=False
    ).casefold()
    for value in CITIZEN.values():
        assert value.casefold() not in everything
    for word in ("gunilla", "medborgare", "försörjningsstöd", "hyran", "987"):
        assert word not in everything


# --- the page ----------------------------------------------------------------------------


def add_entries(app, org) -> None:
    """Entries at known times (oldest first), from known users and addresses."""
    rows = [
        ("2026-03-01T09:00", org.users.admin, "10.0.0.1", "user.create", "user:5"),
        ("2026-03-02T09:00", org.users.admin, "10.0.0.2", "group.update", "group:2"),
        ("2026-03-03T09:00", org.users.social, "10.1.0.7", "ticket.read", "KT-2026-000123"),
        ("2026-03-04T09:00", org.users.social, "10.1.0.7", "ticket.list", "/ko/socialtjanst"),
        ("2026-03-05T09:00", None, None, "retention.run", None),
        ("2026-03-06T09:00", org.users.agent, "192.168.1.9", "ticket.metadata", "KT-2026-000124"),
        ("2026-03-07T09:00", org.users.admin, "10.0.0.1", "setting.update", "setting:x"),
    ]
    with app.app_context():
        for when, user_id, address, action, target in rows:
            details = {"references": ["KT-2026-000999"]} if action == "ticket.list" else {}
            entry = record(action, target=target, user_id=user_id, **details)
            entry.address = address
            entry.created_at = datetime.fromisoformat(when).replace(tzinfo=UTC)
        db.session.commit()


def shown_actions(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [part.split("</code>")[0] for part in html.split("<br><code>")[1:]]


def test_the_page_newest_first_paginated(app, org, as_user):
    add_entries(app, org)
    admin = as_user("admin")
    first = admin.get("/admin/logg")
    assert first.status_code == 200
    assert shown_actions(first) == [
        "setting.update",
        "ticket.metadata",
        "retention.run",
        "ticket.list",
        "ticket.read",
    ]  # PAGE_SIZE is 5 in the tests
    html = first.get_data(as_text=True)
    assert "Ada Admin" in html and "192.168.1.9" in html
    main = html.split("<main")[1].split("</main>")[0]
    assert 'method="get"' in main and 'method="post"' not in main
    second = admin.get("/admin/logg?page=2")
    assert shown_actions(second) == ["group.update", "user.create"]
    assert "KT-2026-000999" in admin.get("/admin/logg?action=ticket.list").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=ticket", ["ticket.metadata", "ticket.list", "ticket.read"]),
        ("action=ticket.", ["ticket.metadata", "ticket.list", "ticket.read"]),
        ("action=ticket.read", ["ticket.read"]),
        ("action=tick", []),
        ("user={social}", ["ticket.list", "ticket.read"]),
        ("user=0", ["retention.run"]),
        ("text=kt-2026-000123", ["ticket.read"]),
        ("text=KT-2026-000999", ["ticket.list"]),  # a reference in the details
        ("text=user%3A5", ["user.create"]),
        ("from=2026-03-06", ["setting.update", "ticket.metadata"]),
        ("to=2026-03-01", ["user.create"]),
        ("from=2026-03-02&to=2026-03-03", ["ticket.read", "group.update"]),
        ("address=10.1.", ["ticket.list", "ticket.read"]),
        ("address=192.168.1.9", ["ticket.metadata"]),
        ("action=ticket&user={agent}&address=192", ["ticket.metadata"]),
        ("page=abc&action=group", ["group.update"]),
        ("page=99&action=group", []),
    ],
)
def test_filters(app, org, as_user, query, expected):
    add_entries(app, org)
    response = as_user("admin").get(
        "/admin/logg?" + query.format(social=org.users.social, agent=org.users.agent)
    )
    assert response.status_code == 200
    assert shown_actions(response) == expected


def test_stockholm_dates_bound_the_range(app, org, as_user):
    with app.app_context():
        # 23:30 UTC on 2 March is 00:30 on 3 March in Stockholm.
        record("ticket.read", target="KT-2026-000001").created_at = datetime(
            2026, 3, 2, 23, 30, tzinfo=UTC
        )
        db.session.commit()
    admin = as_user("admin")
    assert shown_actions(admin.get("/admin/logg?from=2026-03-03&to=2026-03-03")) == ["ticket.read"]
    assert shown_actions(admin.get("/admin/logg?to=2026-03-02")) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("action=DROP+TABLE", "Åtgärd"),
        ("action=" + "a" * 61, "Åtgärd"),
        ("user=abc", "Användare"),
        ("user=999999", "Användare"),
        ("user=99999999999999999999", "Användare"),
        ("text=" + "x" * 121, "Mål"),
        ("text=KT%01", "Mål"),
        ("from=2026-02-30", "Från"),
        ("from=igår", "Från"),
        ("from=20260301", "Från"),
        ("to=0001-01-01", "Till"),
        ("to=9999-12-31", "Till"),
        ("from=2026-03-05&to=2026-03-01", "Till"),
        ("address=localhost", "Adress"),
        ("address=" + "1" * 65, "Adress"),
    ],
)
def test_bad_filters_get_a_clear_message(app, org, as_user, query, message):
    response = as_user("admin").get("/admin/logg?" + query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert message in summary


@pytest.mark.parametrize("who", ["agent", "member", "social", "manager"])
def test_only_administrators_reach_the_page(as_user, who):
    assert as_user(who).get("/admin/logg").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/logg")
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_the_page_is_in_the_admin_menu(as_user):
    admin = as_user("admin")
    for page in ("/admin/", "/admin/anvandare"):
        assert 'href="/admin/logg"' in admin.get(page).get_data(as_text=True)


# --- nobody can change it ------------------------------------------------------------------


def test_no_route_changes_the_log(app):
    """The URL map has nothing but GET under /admin/logg, and no route elsewhere
    that names the log."""
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        if rule.rule.startswith("/admin/logg") or "audit" in rule.endpoint:
            assert methods == {"GET"}, (rule.rule, methods)
    assert any(rule.rule == "/admin/logg" for rule in app.url_map.iter_rules())


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_to_the_page_is_refused(app, org, as_user, method):
    add_entries(app, org)
    response = getattr(as_user("admin"), method)("/admin/logg", data={"action": "x"})
    assert response.status_code == 405
    assert len(entries(app)) == 7


def test_the_orm_refuses_update_and_delete(app, org):
    add_entries(app, org)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry))
        entry.action = "nothing.happened"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditEntry)))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
    assert len(entries(app)) == 7


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entries SET action = 'nothing.happened'",
        "UPDATE audit_entries SET details = '{}' WHERE action = 'ticket.list'",
        "DELETE FROM audit_entries",
        "DELETE FROM audit_entries WHERE action = 'ticket.read'",
    ],
)
def test_the_database_refuses_update_and_delete(app, org, statement):
    """The trigger, on whichever database this run uses (SQLite and PostgreSQL)."""
    add_entries(app, org)
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text(statement))
        conn.rollback()
    after = entries(app)
    assert len(after) == 7 and after[3].details == {"references": ["KT-2026-000999"]}
    assert "nothing.happened" not in {e.action for e in after}


@pytest.mark.postgres
def test_postgresql_refuses_truncate(app, org):
    add_entries(app, org)
    with app.app_context(), db.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("TRUNCATE audit_entries"))
        conn.rollback()
    assert len(entries(app)) == 7


def test_a_freshly_migrated_sqlite_database_refuses_too(tmp_path):
    """The SQLite trigger, also on the PostgreSQL run of the suite."""
    app = make_app("sqlite:///" + str(tmp_path / "audit.db"))
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        record("ticket.read", target="KT-2026-000001")
        db.session.commit()
        with db.engine.connect() as conn:
            for statement in (
                "UPDATE audit_entries SET target = NULL",
                "DELETE FROM audit_entries",
            ):
                with pytest.raises(DBAPIError, match="append-only"):
                    conn.execute(text(statement))
                conn.rollback()
        assert db.session.scalar(select(func.count(AuditEntry.id))) == 1
        assert db.session.scalar(select(AuditEntry.target)) == "KT-2026-000001"
        db.engine.dispose()


@pytest.mark.parametrize(
    ("day", "status"),
    [("1989-12-31", 400), ("1990-01-01", 200), ("2099-12-31", 200), ("2100-01-01", 400)],
)
def test_the_log_and_the_dashboard_take_the_same_dates(login_as, day, status):
    admin = login_as("admin")
    log = admin.get(f"/admin/logg?from={day}&to={day}")
    dashboard = admin.get(f"/statistik?period=custom&from={day}&to={day}")
    assert (log.status_code, dashboard.status_code) == (status, status)
