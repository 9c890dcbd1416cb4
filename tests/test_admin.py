"""The administration screens: users, departments, groups, subject areas and
routing rules — what an administrator sees, and what is (and is not) stored."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.auth.models import Role, User
from kundtjanst.core.vocabulary import GroupKind
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Department, Group
from kundtjanst.routing.models import RoutingRule
from kundtjanst.routing.queries import next_position
from kundtjanst.tickets import services as ticket_services
from kundtjanst.tickets.models import Ticket

from .conftest import login, make_app
from .factories import PASSWORD, new_ticket

TOO_BIG_ID = 2**31  # one more than a PostgreSQL integer holds


def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def org(app, org):
    """The test municipality, its staff at a real-looking domain: the forms (rightly)
    refuse addresses at the reserved .test domain the shared factories use."""
    with app.app_context():
        for user in db.session.scalars(select(User)):
            user.email = user.email.replace("@kommun.test", "@kommun.se")
        db.session.commit()
    org.emails = SimpleNamespace(
        **{
            who: email.replace("@kommun.test", "@kommun.se")
            for who, email in vars(org.emails).items()
        }
    )
    return org


@pytest.fixture
def admin(login_as):
    return login_as("admin")


# --- who may come in --------------------------------------------------------

ADMIN_PAGES = [
    "/admin/",
    "/admin/anvandare",
    "/admin/anvandare/ny",
    "/admin/anvandare/{agent}/redigera",
    "/admin/anvandare/{agent}/losenord",
    "/admin/forvaltningar",
    "/admin/forvaltningar/ny",
    "/admin/forvaltningar/{department}/redigera",
    "/admin/grupper",
    "/admin/grupper/ny",
    "/admin/grupper/{bygg}/redigera",
    "/admin/kategorier",
    "/admin/kategorier/ny",
    "/admin/kategorier/{avfall}/redigera",
    "/admin/regler",
    "/admin/regler/ny",
    "/admin/regler/{rule}/redigera",
    # The pages that ask before deleting; the same addresses delete on POST.
    "/admin/forvaltningar/{department}/ta-bort",
    "/admin/grupper/{bygg}/ta-bort",
    "/admin/kategorier/{avfall}/ta-bort",
    "/admin/regler/{rule}/ta-bort",
]
ADMIN_ACTIONS = [
    "/admin/forvaltningar/{department}/ta-bort",
    "/admin/grupper/{bygg}/ta-bort",
    "/admin/kategorier/{avfall}/ta-bort",
    "/admin/regler/{rule}/flytta-upp",
    "/admin/regler/{rule}/flytta-ned",
    "/admin/regler/{rule}/ta-bort",
]


@pytest.fixture
def ids(app, org) -> dict[str, int]:
    with app.app_context():
        return {
            "agent": org.users.agent,
            "bygg": org.groups.bygg,
            "avfall": org.categories.avfall,
            "department": db.session.scalar(select(func.min(Department.id))),
            "rule": db.session.scalar(select(func.min(RoutingRule.id))),
        }


# Every URL that accepts a POST: the forms and the buttons.
ADMIN_POSTS = [url for url in ADMIN_PAGES if "/ny" in url or "/redigera" in url] + [
    "/admin/anvandare/{agent}/losenord",
    *ADMIN_ACTIONS,
]


@pytest.mark.parametrize("who", ["agent", "member", "social", "manager"])
def test_staff_who_are_not_administrators_are_refused(app, login_as, ids, who):
    client = login_as(who)
    for url in ADMIN_PAGES:
        assert client.get(url.format(**ids)).status_code == 403, url
    for url in ADMIN_POSTS:
        assert client.post(url.format(**ids), data={"name": "x"}).status_code == 403, url
    assert count(app, RoutingRule) == 1
    assert count(app, Department) == 3
    assert count(app, Group) == 4


def test_anonymous_visitors_are_sent_to_log_in(login_as, ids):
    client = login_as("anonymous")
    for url in ADMIN_PAGES:
        response = client.get(url.format(**ids))
        assert response.status_code == 302, url
        assert "/logga-in" in response.headers["Location"]
    for url in ADMIN_POSTS:
        response = client.post(url.format(**ids))
        assert response.status_code == 302, url
        assert "/logga-in" in response.headers["Location"]


def test_the_buttons_only_answer_post(admin, ids):
    for url in ADMIN_ACTIONS:
        if url not in ADMIN_PAGES:
            assert admin.get(url.format(**ids)).status_code == 405, url


def test_every_page_renders_for_an_administrator(admin, ids):
    for url in ADMIN_PAGES:
        response = admin.get(url.format(**ids))
        assert response.status_code == 200, url
        assert "<h1>" in text(response), url
        assert 'aria-label="Administrationsmeny"' in text(response), url


@pytest.mark.parametrize(
    "url",
    [
        "/admin/anvandare/{id}/redigera",
        "/admin/anvandare/{id}/losenord",
        "/admin/forvaltningar/{id}/redigera",
        "/admin/grupper/{id}/redigera",
        "/admin/kategorier/{id}/redigera",
        "/admin/regler/{id}/redigera",
    ],
)
@pytest.mark.parametrize("bad_id", [0, 999999, 2**31 - 1, TOO_BIG_ID, 10**30])
def test_unknown_or_tampered_ids_are_not_found(admin, url, bad_id):
    assert admin.get(url.format(id=bad_id)).status_code == 404
    assert admin.post(url.format(id=bad_id), data={"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/forvaltningar/{id}/ta-bort",
        "/admin/grupper/{id}/ta-bort",
        "/admin/kategorier/{id}/ta-bort",
        "/admin/regler/{id}/ta-bort",
        "/admin/regler/{id}/flytta-upp",
        "/admin/regler/{id}/flytta-ned",
    ],
)
@pytest.mark.parametrize("bad_id", [999999, TOO_BIG_ID])
def test_actions_on_unknown_ids_are_not_found(admin, url, bad_id):
    assert admin.post(url.format(id=bad_id)).status_code == 404


def test_non_numeric_ids_are_not_found(admin):
    assert admin.get("/admin/grupper/abc/redigera").status_code == 404
    assert admin.get("/admin/grupper/-1/redigera").status_code == 404


def test_the_index_links_every_section_with_counts(admin):
    page = text(admin.get("/admin/"))
    for label, href in [
        ("Användare", "/admin/anvandare"),
        ("Förvaltningar", "/admin/forvaltningar"),
        ("Grupper", "/admin/grupper"),
        ("Ämnesområden", "/admin/kategorier"),
        ("Styrningsregler", "/admin/regler"),
    ]:
        assert f'<a href="{href}">{label}</a>' in page
    assert "8 aktiva användare" in page
    assert "3 förvaltningar" in page
    assert "4 aktiva grupper" in page
    assert "3 aktiva ämnesområden" in page
    assert "1 aktiv regel" in page


def test_the_index_has_a_card_for_every_section_of_the_menu(admin):
    """The start page and the menu list the same sections, in the same order."""
    page = text(admin.get("/admin/"))
    menu = page.split('class="admin-nav"')[1].split("</nav>")[0]
    cards = page.split('class="cards"')[1].split("</ul>")[0]
    hrefs = [part.split('"')[0] for part in menu.split('href="')[2:]]  # after the start page
    assert hrefs and [part.split('"')[0] for part in cards.split('href="')[1:]] == hrefs
    assert "0 aktiva orsaker" in cards


@pytest.fixture
def csrf_client(database_url, org):
    """An administrator's client on an app that checks CSRF tokens, as in production."""
    app_with_csrf = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app_with_csrf.test_client()
    login(client, org.users.admin)
    yield client
    with app_with_csrf.app_context():
        db.engine.dispose()


def test_forms_and_buttons_refuse_a_missing_csrf_token(app, csrf_client):
    response = csrf_client.post("/admin/forvaltningar/ny", data={"name": "Kulturförvaltningen"})
    assert response.status_code == 400
    assert "säkerhetskod" in text(response)
    with app.app_context():
        rule_id = db.session.scalar(select(RoutingRule.id))
    assert csrf_client.post(f"/admin/regler/{rule_id}/ta-bort").status_code == 400
    assert count(app, Department) == 3
    assert count(app, RoutingRule) == 1


def test_the_pages_carry_the_csrf_token(csrf_client):
    assert 'name="csrf_token"' in text(csrf_client.get("/admin/forvaltningar/ny"))
    assert 'name="csrf_token"' in text(csrf_client.get("/admin/regler"))


# --- users --------------------------------------------------------------------


def new_user_form(**changes) -> dict:
    data = {
        "email": "Nils.Ny@Kommun.se",
        "name": "Nils Ny",
        "role": "manager",
        "password": "ett långt lösenord",
        "active": "y",
    }
    data.update(changes)
    return data


def test_user_list_shows_role_groups_and_active(app, admin, org):
    with app.app_context():
        db.session.get(User, org.users.other).active = False
        db.session.commit()
    page = text(admin.get("/admin/anvandare"))
    assert "<caption>Personalens användarkonton, aktiva först</caption>" in page
    assert "Ada Admin" in page and "Administratör" in page and "Chef" in page
    assert "Kundtjänst" in page and "Bygglov" in page
    assert page.index("Ada Admin") < page.index("Mia Miljö")  # the inactive user comes last


def test_admin_creates_a_user(app, admin, org):
    response = admin.post(
        "/admin/anvandare/ny",
        data=new_user_form(memberships=[org.groups.bygg, org.groups.miljo]),
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Användaren Nils Ny skapades." in text(response)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.name == "Nils Ny"))
        assert user.email == "nils.ny@kommun.se"
        assert user.role == Role.MANAGER
        assert user.active
        assert {g.slug for g in user.groups} == {"bygglov", "miljo"}
        assert user.check_password("ett långt lösenord")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": ""}, "Ange en e-postadress."),
        ({"email": "inte-en-adress"}, "Ange en giltig e-postadress"),
        ({"email": "AGENT@kommun.se"}, "Det finns redan en användare med den e-postadressen."),
        ({"email": "a" * 250 + "@k.se"}, "Fältet får inte vara längre än 254 tecken."),
        ({"name": "   "}, "Ange ett namn."),
        ({"name": "N" * 121}, "Fältet får inte vara längre än 120 tecken."),
        ({"password": ""}, "Ange ett lösenord."),
        ({"password": "kort"}, "Lösenordet måste ha minst 10 tecken."),
        ({"role": "superuser"}, "Välj ett av alternativen."),
        ({"memberships": ["999999"]}, "Välj ett av alternativen."),
        ({"memberships": ["99999999999999"]}, "Välj ett av alternativen."),
        ({"memberships": ["bygglov"]}, "Välj ett av alternativen."),
        ({"name": "Nils\x00Ny"}, "Innehåller tecken som inte är tillåtna."),
    ],
)
def test_a_bad_new_user_is_refused_and_nothing_stored(app, admin, changes, message):
    before = count(app, User)
    response = admin.post("/admin/anvandare/ny", data=new_user_form(**changes))
    assert response.status_code == 400
    assert 'class="error-summary"' in text(response)
    assert message in text(response)
    assert count(app, User) == before


def test_admin_edits_a_user(app, admin, org):
    response = admin.post(
        f"/admin/anvandare/{org.users.agent}/redigera",
        data={
            "email": "Anna.Ny@kommun.se",
            "name": "Anna Ny",
            "role": "manager",
            "memberships": [org.groups.miljo],
        },
        follow_redirects=True,
    )
    assert "Ändringarna för Anna Ny sparades." in text(response)
    with app.app_context():
        user = db.session.get(User, org.users.agent)
        assert (user.email, user.name, user.role) == ("anna.ny@kommun.se", "Anna Ny", "manager")
        assert [g.slug for g in user.groups] == ["miljo"]
        assert not user.active  # the box was not ticked: deactivated, not deleted


def test_the_edit_form_shows_the_current_values(admin, org):
    page = text(admin.get(f"/admin/anvandare/{org.users.member}/redigera"))
    assert 'value="bygg1@kommun.se"' in page
    assert f'value="{org.groups.bygg}" checked' in page
    assert f'value="{org.groups.miljo}" checked' not in page


def test_a_deactivated_user_can_no_longer_log_in(app, admin, org):
    admin.post(
        f"/admin/anvandare/{org.users.member}/redigera",
        data={"email": org.emails.member, "name": "Bo Bygg", "role": "staff"},
    )
    client = app.test_client()
    response = client.post("/logga-in", data={"email": org.emails.member, "password": PASSWORD})
    assert response.status_code == 400
    assert "Fel e-postadress eller lösenord." in text(response)
    assert count(app, User) == 8


def test_a_users_email_may_change_case_but_not_take_anothers(app, admin, org):
    url = f"/admin/anvandare/{org.users.agent}/redigera"
    taken = admin.post(url, data={"email": "BYGG1@kommun.se", "name": "Anna", "role": "staff"})
    assert taken.status_code == 400
    assert "Det finns redan en användare med den e-postadressen." in text(taken)
    with app.app_context():
        assert db.session.get(User, org.users.agent).name == "Anna Agent"
    same = admin.post(
        url, data={"email": "AGENT@kommun.se", "name": "Anna", "role": "staff", "active": "y"}
    )
    assert same.status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"active": ""}, "Du kan inte inaktivera ditt eget konto."),
        ({"role": "staff"}, "Du kan inte ta bort din egen administratörsroll."),
        ({"role": "manager"}, "Du kan inte ta bort din egen administratörsroll."),
    ],
)
def test_an_administrator_cannot_lock_themselves_out(app, admin, org, changes, message):
    data = {"email": org.emails.admin, "name": "Ada Admin", "role": "admin", "active": "y"}
    data.update(changes)
    response = admin.post(f"/admin/anvandare/{org.users.admin}/redigera", data=data)
    assert response.status_code == 400
    assert message in text(response)
    with app.app_context():
        me = db.session.get(User, org.users.admin)
        assert me.active and me.role == Role.ADMIN


def test_an_administrator_may_demote_another_administrator(app, admin, org):
    with app.app_context():
        db.session.get(User, org.users.manager).role = Role.ADMIN
        db.session.commit()
    response = admin.post(
        f"/admin/anvandare/{org.users.manager}/redigera",
        data={"email": org.emails.manager, "name": "Carl Chef", "role": "staff", "active": "y"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, org.users.manager).role == Role.STAFF


def test_admin_sets_a_new_password(app, admin, org):
    url = f"/admin/anvandare/{org.users.agent}/losenord"
    assert "Nytt lösenord för Anna Agent" in text(admin.get(url))
    short = admin.post(url, data={"password": "kort"})
    assert short.status_code == 400
    assert "Lösenordet måste ha minst 10 tecken." in text(short)
    response = admin.post(url, data={"password": "ett nytt långt lösenord"}, follow_redirects=True)
    assert "Anna Agent har fått ett nytt lösenord." in text(response)
    with app.app_context():
        user = db.session.get(User, org.users.agent)
        assert user.check_password("ett nytt långt lösenord")
        assert not user.check_password(PASSWORD)


def test_users_cannot_be_deleted(admin, org):
    assert admin.post(f"/admin/anvandare/{org.users.agent}/ta-bort").status_code == 404


# --- departments --------------------------------------------------------------


def test_department_list_and_create(app, admin):
    page = text(admin.get("/admin/forvaltningar"))
    assert "<caption>Förvaltningar och deras grupper</caption>" in page
    assert "Socialförvaltningen" in page and "Socialtjänst" in page
    response = admin.post(
        "/admin/forvaltningar/ny", data={"name": "  Kulturförvaltningen "}, follow_redirects=True
    )
    assert "Förvaltningen Kulturförvaltningen sparades." in text(response)
    with app.app_context():
        assert db.session.scalar(select(Department).where(Department.name == "Kulturförvaltningen"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Ange förvaltningens namn."),
        ("K" * 121, "Fältet får inte vara längre än 120 tecken."),
        ("socialförvaltningen", "Det finns redan en förvaltning med det namnet."),
        ("SOCIALFÖRVALTNINGEN", "Det finns redan en förvaltning med det namnet."),
    ],
)
def test_a_bad_department_name_is_refused(app, admin, name, message):
    response = admin.post("/admin/forvaltningar/ny", data={"name": name})
    assert response.status_code == 400
    assert message in text(response)
    assert count(app, Department) == 3


def test_department_rename(app, admin):
    with app.app_context():
        dept = db.session.scalar(select(Department).where(Department.name == "Socialförvaltningen"))
        dept_id = dept.id
    url = f"/admin/forvaltningar/{dept_id}/redigera"
    assert 'value="Socialförvaltningen"' in text(admin.get(url))
    assert admin.post(url, data={"name": "Socialförvaltningen"}).status_code == 302  # its own name
    clash = admin.post(url, data={"name": "Samhällsbyggnadsförvaltningen"})
    assert clash.status_code == 400
    admin.post(url, data={"name": "Vård- och omsorgsförvaltningen"})
    with app.app_context():
        assert db.session.get(Department, dept_id).name == "Vård- och omsorgsförvaltningen"


def test_a_department_with_groups_cannot_be_deleted(app, admin):
    with app.app_context():
        dept_id = db.session.scalar(
            select(Department.id).where(Department.name == "Socialförvaltningen")
        )
    response = admin.post(f"/admin/forvaltningar/{dept_id}/ta-bort", follow_redirects=True)
    assert (
        "Socialförvaltningen kan inte tas bort så länge grupper hör till den (Socialtjänst)."
        in text(response)
    )
    assert count(app, Department) == 3


def test_an_empty_department_is_deleted(app, admin):
    with app.app_context():
        dept = Department(name="Tillfällig förvaltning")
        db.session.add(dept)
        db.session.commit()
        dept_id = dept.id
    response = admin.post(f"/admin/forvaltningar/{dept_id}/ta-bort", follow_redirects=True)
    assert "Förvaltningen Tillfällig förvaltning togs bort." in text(response)
    with app.app_context():
        assert db.session.get(Department, dept_id) is None


# --- groups ---------------------------------------------------------------------


def group_form(**changes) -> dict:
    data = {
        "slug": "vatten-2",
        "name": "Vatten och avlopp",
        "kind": "answer",
        "department_id": "",
        "email": "",
        "active": "y",
    }
    data.update(changes)
    return data


def group_values(group: Group, **changes) -> dict:
    data = group_form(
        slug=group.slug,
        name=group.name,
        kind=group.kind.value,
        department_id=group.department_id or "",
        email=group.email or "",
    )
    if group.confidential:
        data["confidential"] = "y"
    if not group.active:
        del data["active"]
    data.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        data.pop(key, None)
    return data


def edit_group(app, client, group_id: int, **changes):
    with app.app_context():
        data = group_values(db.session.get(Group, group_id), **changes)
    return client.post(f"/admin/grupper/{group_id}/redigera", data=data)


def test_group_list(admin):
    page = text(admin.get("/admin/grupper"))
    assert "<caption>Kundtjänst och svarsgrupperna, aktiva först</caption>" in page
    for shown in (
        "Kundtjänst",
        "Socialtjänst",
        "socialtjanst",
        "Svarsgrupp",
        "Socialförvaltningen",
    ):
        assert shown in page


def test_admin_creates_a_group(app, admin):
    with app.app_context():
        dept_id = db.session.scalar(select(func.min(Department.id)))
    response = admin.post(
        "/admin/grupper/ny",
        data=group_form(department_id=dept_id, email="VA@Kommun.se", confidential="y"),
        follow_redirects=True,
    )
    assert "Gruppen Vatten och avlopp sparades." in text(response)
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.slug == "vatten-2"))
        assert group.kind == GroupKind.ANSWER
        assert group.department_id == dept_id
        assert group.confidential and group.active
        assert group.email == "VA@Kommun.se"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slug": ""}, "Ange ett kortnamn."),
        ({"slug": "Vatten"}, "Använd små bokstäver a–z, siffror och bindestreck"),
        ({"slug": "vatten avlopp"}, "Använd små bokstäver a–z, siffror och bindestreck"),
        ({"slug": "-vatten"}, "Använd små bokstäver a–z, siffror och bindestreck"),
        ({"slug": "vågor"}, "Använd små bokstäver a–z, siffror och bindestreck"),
        ({"slug": "v" * 61}, "Fältet får inte vara längre än 60 tecken."),
        ({"slug": "bygglov"}, "Det finns redan en grupp med det kortnamnet."),
        ({"name": ""}, "Ange gruppens namn."),
        ({"name": "miljö och hälsa"}, "Det finns redan en grupp med det namnet."),
        ({"name": "G" * 121}, "Fältet får inte vara längre än 120 tecken."),
        ({"email": "inte en adress"}, "Ange en giltig e-postadress"),
        ({"kind": "boss"}, "Välj ett av alternativen."),
        ({"department_id": "999999"}, "Välj ett av alternativen."),
        ({"department_id": "1e3"}, "Välj ett av alternativen."),
        (
            {"kind": "frontline"},
            "Det kan bara finnas en kundtjänstgrupp, och det finns redan en.",
        ),
    ],
)
def test_a_bad_new_group_is_refused_and_nothing_stored(app, admin, changes, message):
    response = admin.post("/admin/grupper/ny", data=group_form(**changes))
    assert response.status_code == 400
    assert 'class="error-summary"' in text(response)
    assert message in text(response)
    assert count(app, Group) == 4


def test_the_customer_service_group_stays_customer_service(app, admin, org):
    response = edit_group(app, admin, org.groups.kundtjanst, kind="answer")
    assert response.status_code == 400
    assert "Det här är kundtjänstgruppen" in text(response)
    response = edit_group(app, admin, org.groups.kundtjanst, active=None)
    assert response.status_code == 400
    assert "Kundtjänstgruppen kan inte inaktiveras." in text(response)
    with app.app_context():
        group = db.session.get(Group, org.groups.kundtjanst)
        assert group.kind == GroupKind.FRONTLINE and group.active


def test_an_answer_group_cannot_become_a_second_customer_service(app, admin, org):
    response = edit_group(app, admin, org.groups.miljo, kind="frontline")
    assert response.status_code == 400
    assert "Det kan bara finnas en kundtjänstgrupp" in text(response)
    with app.app_context():
        assert db.session.get(Group, org.groups.miljo).kind == GroupKind.ANSWER


def test_admin_edits_a_group(app, admin, org):
    response = edit_group(
        app, admin, org.groups.miljo, slug="miljo-halsa", name="Miljö- och hälsoskydd"
    )
    assert response.status_code == 302
    with app.app_context():
        group = db.session.get(Group, org.groups.miljo)
        assert (group.slug, group.name) == ("miljo-halsa", "Miljö- och hälsoskydd")


def escalate_to(app, org, group_id: int, subject: str = "Fråga om tillstånd") -> int:
    with app.app_context():
        ticket, _token = new_ticket(subject=subject)
        ticket_services.escalate(
            ticket, db.session.get(User, org.users.agent), db.session.get(Group, group_id)
        )
        db.session.commit()
        return ticket.id


def confidential_flags(app) -> dict[int, bool]:
    with app.app_context():
        return dict(db.session.execute(select(Ticket.id, Ticket.confidential)).all())


def test_making_a_group_confidential_hides_its_tickets_at_once(app, admin, org, login_as):
    in_bygg = escalate_to(app, org, org.groups.bygg)
    with app.app_context():
        elsewhere = new_ticket()[0].id  # stays in kundtjänst
        reference = db.session.get(Ticket, in_bygg).reference
    agent = login_as("agent")
    assert agent.get(f"/arenden/{reference}").status_code == 200

    assert edit_group(app, admin, org.groups.bygg, confidential="y").status_code == 302
    assert confidential_flags(app) == {in_bygg: True, elsewhere: False}
    assert "Fråga om tillstånd" not in text(agent.get(f"/arenden/{reference}"))

    # Unticking it again lifts no secrecy: what was written under it stays confidential.
    assert edit_group(app, admin, org.groups.bygg, confidential=None).status_code == 302
    assert confidential_flags(app) == {in_bygg: True, elsewhere: False}
    assert "Fråga om tillstånd" not in text(agent.get(f"/arenden/{reference}"))


def test_unticking_a_groups_flag_applies_only_to_tickets_filed_afterwards(app, admin, org):
    in_social = escalate_to(app, org, org.groups.social)
    assert confidential_flags(app)[in_social] is True
    assert edit_group(app, admin, org.groups.social, confidential=None).status_code == 302
    later = escalate_to(app, org, org.groups.social)
    assert confidential_flags(app) == {in_social: True, later: False}


def test_a_failed_group_edit_changes_no_tickets(app, admin, org):
    in_bygg = escalate_to(app, org, org.groups.bygg)
    response = edit_group(app, admin, org.groups.bygg, confidential="y", slug="Ogiltig Slug")
    assert response.status_code == 400
    response = edit_group(app, admin, org.groups.bygg, confidential="y", name="Kundtjänst")
    assert response.status_code == 400
    assert confidential_flags(app) == {in_bygg: False}
    with app.app_context():
        assert not db.session.get(Group, org.groups.bygg).confidential


def test_a_group_with_open_tickets_is_not_deactivated(app, admin, org):
    escalate_to(app, org, org.groups.miljo)
    response = edit_group(app, admin, org.groups.miljo, active=None)
    assert response.status_code == 400
    assert "Gruppen har fortfarande 1 öppet ärende." in text(response)
    with app.app_context():
        assert db.session.get(Group, org.groups.miljo).active


def test_a_used_group_is_deactivated_instead_of_deleted(app, admin, org):
    response = admin.post(f"/admin/grupper/{org.groups.bygg}/ta-bort", follow_redirects=True)
    assert "Bygglov används" in text(response)
    assert "Inaktivera den i stället." in text(response)
    assert count(app, Group) == 4
    assert edit_group(app, admin, org.groups.bygg, active=None).status_code == 302
    with app.app_context():
        assert not db.session.get(Group, org.groups.bygg).active
    page = text(admin.get("/admin/grupper/ny"))
    assert page  # an inactive group is still listed, last
    assert "Bygglov (inaktiv)" in text(admin.get(f"/admin/anvandare/{org.users.member}/redigera"))


def test_a_group_tickets_passed_through_is_not_deleted(app, admin, org):
    ticket_id = escalate_to(app, org, org.groups.miljo)
    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        ticket_services.transfer(
            ticket, db.session.get(User, org.users.agent), db.session.get(Group, org.groups.bygg)
        )
        db.session.commit()
    response = admin.post(f"/admin/grupper/{org.groups.miljo}/ta-bort", follow_redirects=True)
    assert "Miljö och hälsa används (ärenden: 1" in text(response)
    assert count(app, Group) == 4


def test_a_group_a_secret_belongs_to_is_not_deleted(app, admin, org):
    """Filed under a confidential subject area whose usual group is confidential, a ticket
    keeps that group as its secrecy group though it never entered it."""
    with app.app_context():
        db.session.get(Group, org.groups.miljo).confidential = True
        area = db.session.get(Category, org.categories.avfall)
        area.confidential, area.default_group_id = True, org.groups.miljo
        db.session.commit()
        ticket = new_ticket(category_id=org.categories.avfall)[0]
        assert ticket.secrecy_group_id == org.groups.miljo
        area.default_group_id = None
        db.session.commit()
    response = admin.post(f"/admin/grupper/{org.groups.miljo}/ta-bort", follow_redirects=True)
    assert "Miljö och hälsa används (ärenden: 1" in text(response)
    assert count(app, Group) == 4


def test_an_unused_group_is_deleted_with_its_memberships(app, admin, org):
    response = admin.post(f"/admin/grupper/{org.groups.miljo}/ta-bort", follow_redirects=True)
    assert "Gruppen Miljö och hälsa togs bort." in text(response)
    with app.app_context():
        assert db.session.get(Group, org.groups.miljo) is None
        assert db.session.get(User, org.users.other).groups == []


def test_customer_service_cannot_be_deleted(app, admin, org):
    response = admin.post(f"/admin/grupper/{org.groups.kundtjanst}/ta-bort", follow_redirects=True)
    assert "Kundtjänstgruppen kan inte tas bort." in text(response)
    assert count(app, Group) == 4


# --- categories -----------------------------------------------------------------


def category_form(**changes) -> dict:
    data = {
        "name": "Vatten och avlopp",
        "description": "Dricksvatten, avlopp och vattenmätare.",
        "default_group_id": "",
        "sla_hours": "24",
        "answer_sla_hours": "40",
        "retention_months": "36",
        "active": "y",
    }
    data.update(changes)
    return data


def test_category_list(admin):
    page = text(admin.get("/admin/kategorier"))
    assert "<caption>Ämnesområden, aktiva först</caption>" in page
    assert "Ekonomiskt bistånd" in page and "Socialtjänst" in page


def test_admin_creates_a_category(app, admin, org):
    response = admin.post(
        "/admin/kategorier/ny",
        data=category_form(default_group_id=org.groups.miljo),
        follow_redirects=True,
    )
    assert "Ämnesområdet Vatten och avlopp sparades." in text(response)
    with app.app_context():
        category = db.session.scalar(select(Category).where(Category.name == "Vatten och avlopp"))
        assert category.default_group_id == org.groups.miljo
        assert (category.sla_hours, category.retention_months) == (24, 36)
        assert category.description == "Dricksvatten, avlopp och vattenmätare."


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Ange ämnesområdets namn."),
        ({"name": "avfall"}, "Det finns redan ett ämnesområde med det namnet."),
        ({"name": "x" * 121}, "Fältet får inte vara längre än 120 tecken."),
        ({"description": "x" * 2001}, "Fältet får inte vara längre än 2000 tecken."),
        ({"sla_hours": "0"}, "Ange ett heltal från 1 till 1000."),
        ({"sla_hours": "1001"}, "Ange ett heltal från 1 till 1000."),
        ({"sla_hours": "-5"}, "Ange ett heltal från 1 till 1000."),
        ({"sla_hours": "tolv"}, "Ange ett heltal från 1 till 1000."),
        ({"sla_hours": "2.5"}, "Ange ett heltal från 1 till 1000."),
        ({"sla_hours": "99999999999999999999"}, "Ange ett heltal från 1 till 1000."),
        ({"sla_hours": ""}, "Ange ett heltal från 1 till 1000."),
        ({"retention_months": "0"}, "Ange ett heltal från 1 till 120."),
        ({"retention_months": "121"}, "Ange ett heltal från 1 till 120."),
        ({"default_group_id": "999999"}, "Välj ett av alternativen."),
    ],
)
def test_a_bad_category_is_refused_and_nothing_stored(app, admin, changes, message):
    response = admin.post("/admin/kategorier/ny", data=category_form(**changes))
    assert response.status_code == 400
    assert message in text(response)
    assert count(app, Category) == 3


def test_only_an_answer_group_can_be_the_default(app, admin, org):
    response = admin.post(
        "/admin/kategorier/ny", data=category_form(default_group_id=org.groups.kundtjanst)
    )
    assert response.status_code == 400
    assert "Välj ett av alternativen." in text(response)
    assert count(app, Category) == 3


def test_the_range_limits_are_accepted(app, admin):
    response = admin.post(
        "/admin/kategorier/ny", data=category_form(sla_hours="1000", retention_months="1")
    )
    assert response.status_code == 302
    response = admin.post(
        "/admin/kategorier/ny",
        data=category_form(name="Parkering", sla_hours="1", retention_months="120"),
    )
    assert response.status_code == 302


def test_admin_edits_a_category(app, admin, org):
    url = f"/admin/kategorier/{org.categories.bygglov}/redigera"
    page = text(admin.get(url))
    assert 'value="24"' in page and 'value="Bygglov"' in page
    response = admin.post(
        url,
        data=category_form(name="Bygglov och anmälan", sla_hours="40", active=""),
        follow_redirects=True,
    )
    assert "Ämnesområdet Bygglov och anmälan sparades." in text(response)
    with app.app_context():
        category = db.session.get(Category, org.categories.bygglov)
        assert category.name == "Bygglov och anmälan"
        assert category.sla_hours == 40
        assert category.default_group_id is None
        assert not category.active


def test_a_confidential_subject_area_marks_its_tickets_and_unticking_lifts_nothing(
    app, admin, org, login_as
):
    """Ticking the flag makes the area's existing tickets confidential, with the area's
    usual group as their secrecy group when that group is a confidential one; it is
    written in the audit log. Unticking it applies only to questions filed afterwards."""
    with app.app_context():
        db.session.get(Group, org.groups.bygg).confidential = True
        db.session.commit()
        elsewhere = new_ticket(subject="Om sophämtningen", category_id=org.categories.avfall)[0]
        filed = new_ticket(subject="Om bygglovet", category_id=org.categories.bygglov)[0]
        ids = elsewhere.id, filed.id
    url = f"/admin/kategorier/{org.categories.bygglov}/redigera"
    assert "Sekretess: frågor inom ämnesområdet omfattas av sekretess" in text(admin.get(url))
    form = category_form(name="Bygglov", default_group_id=org.groups.bygg)
    assert admin.post(url, data={**form, "confidential": "y"}).status_code == 302
    with app.app_context():
        tickets = [db.session.get(Ticket, i) for i in ids]
        assert [(t.confidential, t.secrecy_group_id) for t in tickets] == [
            (False, None),
            (True, org.groups.bygg),
        ]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "category.update"))
        assert entry.details["changes"]["confidential"] == [False, True]
        assert entry.details["tickets_retagged"] == 1
    assert "Om bygglovet" not in text(login_as("manager").get("/sok?q=bygglovet"))
    assert "Sekretess" in text(admin.get("/admin/kategorier"))

    assert admin.post(url, data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Ticket, ids[1]).confidential
        later = new_ticket(subject="Nytt om bygglovet", category_id=org.categories.bygglov)[0]
        assert not later.confidential


def test_a_category_keeps_its_inactive_default_group_when_edited(app, admin, org):
    with app.app_context():
        db.session.get(Group, org.groups.bygg).active = False
        db.session.commit()
    url = f"/admin/kategorier/{org.categories.bygglov}/redigera"
    assert "Bygglov (inaktiv)" in text(admin.get(url))
    response = admin.post(
        url, data=category_form(name="Bygglov", default_group_id=org.groups.bygg, sla_hours="30")
    )
    assert response.status_code == 302
    other = admin.post(
        f"/admin/kategorier/{org.categories.avfall}/redigera",
        data=category_form(name="Avfall", default_group_id=org.groups.bygg),
    )
    assert other.status_code == 400


def test_a_used_category_is_deactivated_instead_of_deleted(app, admin, org):
    with app.app_context():
        new_ticket(category_id=org.categories.avfall)
    response = admin.post(
        f"/admin/kategorier/{org.categories.avfall}/ta-bort", follow_redirects=True
    )
    assert "Avfall används (ärenden: 1, styrningsregler: 0)" in text(response)
    assert "Inaktivera det i stället." in text(response)
    response = admin.post(
        f"/admin/kategorier/{org.categories.bistand}/ta-bort", follow_redirects=True
    )
    assert "styrningsregler: 1" in text(response)
    assert count(app, Category) == 3


def test_an_unused_category_is_deleted(app, admin, org):
    response = admin.post(
        f"/admin/kategorier/{org.categories.avfall}/ta-bort", follow_redirects=True
    )
    assert "Ämnesområdet Avfall togs bort." in text(response)
    assert count(app, Category) == 2


# --- routing rules ----------------------------------------------------------------


def rule_form(org, **changes) -> dict:
    data = {
        "name": "Skolfrågor",
        "active": "y",
        "channel": "",
        "category_id": "",
        "keywords": "",
        "email_domain": "",
        "group_id": org.groups.miljo,
        "priority": "",
    }
    data.update(changes)
    return data


def rule_names(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(RoutingRule.name).order_by(RoutingRule.position, RoutingRule.id)
            )
        )


def test_rule_list_shows_conditions_and_target(admin):
    page = text(admin.get("/admin/regler"))
    assert "<caption>Styrningsregler i den ordning de prövas</caption>" in page
    assert "Ämnesområde: Ekonomiskt bistånd" in page
    assert "Socialtjänst" in page


def test_admin_creates_a_rule_last_in_order(app, admin, org):
    response = admin.post(
        "/admin/regler/ny",
        data=rule_form(
            org,
            channel="email",
            keywords="Skolskjuts,\nbusskort ; läsårstider",
            email_domain=" @Skola.Kommun.SE. ",
            priority="high",
        ),
        follow_redirects=True,
    )
    assert "Styrningsregeln Skolfrågor sparades." in text(response)
    page = text(response)
    assert "Kanal: E-post" in page
    assert "Ord: skolskjuts, busskort, läsårstider" in page
    assert "E-postdomän: skola.kommun.se" in page
    with app.app_context():
        rule = db.session.scalar(select(RoutingRule).where(RoutingRule.name == "Skolfrågor"))
        first = db.session.scalar(select(func.min(RoutingRule.position)))
        assert rule.position > first
        assert (rule.channel, rule.priority, rule.email_domain) == (
            "email",
            "high",
            "skola.kommun.se",
        )
        assert rule.keywords == "skolskjuts, busskort, läsårstider"
        assert rule.group_id == org.groups.miljo
    assert rule_names(app)[-1] == "Skolfrågor"


def test_a_new_rule_routes_new_questions(app, admin, org):
    admin.post("/admin/regler/ny", data=rule_form(org, keywords="strandbad"))
    with app.app_context():
        ticket, _token = new_ticket(subject="Vattnet vid strandbad Norr")
        assert ticket.group_id == org.groups.miljo
        ticket, _token = new_ticket(subject="Soptunnan")
        assert ticket.group_id == org.groups.kundtjanst


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Ange ett namn på regeln."),
        ({"name": "r" * 121}, "Fältet får inte vara längre än 120 tecken."),
        ({"keywords": ""}, "Ange minst ett villkor"),
        ({"keywords": " , ;\n ,"}, "Ange minst ett villkor"),
        (
            {"keywords": "bygglov, ???"},
            "Varje sökord måste innehålla minst en bokstav eller siffra.",
        ),
        ({"keywords": "x" * 2001}, "Fältet får inte vara längre än 2000 tecken."),
        ({"email_domain": "kommun"}, "Ange en domän som ”skola.kommun.se”"),
        ({"email_domain": "namn@kommun.se"}, "Ange en domän som ”skola.kommun.se”"),
        ({"email_domain": "skola..kommun.se"}, "Ange en domän som ”skola.kommun.se”"),
        ({"email_domain": "skola kommun.se"}, "Ange en domän som ”skola.kommun.se”"),
        ({"email_domain": "-skola.kommun.se"}, "Ange en domän som ”skola.kommun.se”"),
        ({"email_domain": "10.0.0.1"}, "Ange en domän som ”skola.kommun.se”"),
        ({"email_domain": "a" * 64 + ".se"}, "Ange en domän som ”skola.kommun.se”"),
        ({"keywords": "skola", "channel": "fax"}, "Välj ett av alternativen."),
        ({"keywords": "skola", "priority": "urgent"}, "Välj ett av alternativen."),
        ({"keywords": "skola", "category_id": "999999"}, "Välj ett av alternativen."),
        ({"keywords": "skola", "group_id": ""}, "Välj en grupp."),
        ({"keywords": "skola", "group_id": "999999"}, "Välj ett av alternativen."),
        ({"keywords": "skola", "group_id": str(TOO_BIG_ID)}, "Välj ett av alternativen."),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_stored(app, admin, org, changes, message):
    response = admin.post("/admin/regler/ny", data=rule_form(org, **changes))
    assert response.status_code == 400
    assert 'class="error-summary"' in text(response)
    assert message in text(response)
    assert count(app, RoutingRule) == 1


def test_a_rule_cannot_target_an_inactive_group(app, admin, org):
    with app.app_context():
        db.session.get(Group, org.groups.miljo).active = False
        db.session.commit()
    response = admin.post("/admin/regler/ny", data=rule_form(org, keywords="skola"))
    assert response.status_code == 400
    assert "Välj ett av alternativen." in text(response)
    assert count(app, RoutingRule) == 1


def test_a_domain_with_swedish_letters_is_accepted(app, admin, org):
    response = admin.post("/admin/regler/ny", data=rule_form(org, email_domain="Håbo.se"))
    assert response.status_code == 302
    with app.app_context():
        domain = select(RoutingRule.email_domain).where(RoutingRule.name == "Skolfrågor")
        assert db.session.scalar(domain) == "håbo.se"


def test_admin_edits_a_rule(app, admin, org):
    with app.app_context():
        rule_id = db.session.scalar(select(RoutingRule.id))
    url = f"/admin/regler/{rule_id}/redigera"
    assert "Ekonomiskt bistånd till socialtjänsten" in text(admin.get(url))
    response = admin.post(
        url,
        data=rule_form(
            org,
            name="Bistånd",
            category_id=org.categories.bistand,
            group_id=org.groups.social,
            channel="phone",
            active="",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        rule = db.session.get(RoutingRule, rule_id)
        assert (rule.name, rule.channel, rule.active) == ("Bistånd", "phone", False)
        assert rule.category_id == org.categories.bistand


def test_removing_every_condition_from_a_rule_is_refused(app, admin, org):
    with app.app_context():
        rule_id = db.session.scalar(select(RoutingRule.id))
    response = admin.post(
        f"/admin/regler/{rule_id}/redigera", data=rule_form(org, group_id=org.groups.social)
    )
    assert response.status_code == 400
    assert "En regel utan villkor skulle fånga varje fråga." in text(response)
    with app.app_context():
        assert db.session.get(RoutingRule, rule_id).category_id == org.categories.bistand


def add_rules(app, org, *names: str) -> dict[str, int]:
    with app.app_context():
        for name in names:
            db.session.add(
                RoutingRule(
                    position=next_position(),
                    name=name,
                    keywords=name.lower(),
                    group_id=org.groups.miljo,
                )
            )
            db.session.flush()
        db.session.commit()
        return dict(db.session.execute(select(RoutingRule.name, RoutingRule.id)).all())


def queries_to_show(app, client, url) -> int:
    """How many SQL statements the page takes."""
    from sqlalchemy import event

    seen = []
    with app.app_context():
        engine = db.engine

    def count_it(*args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count_it)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count_it)
    return len(seen)


def test_the_rule_list_takes_as_many_queries_for_many_rules_as_for_one(app, admin, org):
    one_rule = queries_to_show(app, admin, "/admin/regler")
    with app.app_context():
        groups = [org.groups.bygg, org.groups.miljo, org.groups.social, org.groups.kundtjanst]
        categories = [org.categories.avfall, org.categories.bygglov, org.categories.bistand]
        for n in range(8):
            db.session.add(
                RoutingRule(
                    position=100 + n,
                    name=f"Regel {n}",
                    keywords=f"ord{n}",
                    group_id=groups[n % 4],
                    category_id=categories[n % 3],
                )
            )
        db.session.commit()
    assert queries_to_show(app, admin, "/admin/regler") == one_rule


def test_rules_move_up_and_down(app, admin, org):
    ids = add_rules(app, org, "Andra", "Tredje")
    first = "Ekonomiskt bistånd till socialtjänsten"
    response = admin.post(f"/admin/regler/{ids['Tredje']}/flytta-upp", follow_redirects=True)
    assert "Regeln Tredje flyttades." in text(response)
    assert rule_names(app) == [first, "Tredje", "Andra"]
    admin.post(f"/admin/regler/{ids['Tredje']}/flytta-upp")
    assert rule_names(app) == ["Tredje", first, "Andra"]
    admin.post(f"/admin/regler/{ids['Tredje']}/flytta-upp")  # already first: nothing happens
    assert rule_names(app) == ["Tredje", first, "Andra"]
    admin.post(f"/admin/regler/{ids[first]}/flytta-ned")
    assert rule_names(app) == ["Tredje", "Andra", first]
    admin.post(f"/admin/regler/{ids[first]}/flytta-ned")  # already last
    assert rule_names(app) == ["Tredje", "Andra", first]


def test_the_list_offers_moves_as_buttons(app, admin, org):
    add_rules(app, org, "Andra")
    page = text(admin.get("/admin/regler"))
    assert page.count(">Flytta upp<") == 1
    assert page.count(">Flytta ned<") == 1
    assert page.count(">Ta bort<") == 2
    assert "<script" not in page and "style=" not in page


def test_moving_a_rule_needs_post(app, admin, org):
    ids = add_rules(app, org, "Andra")
    assert admin.get(f"/admin/regler/{ids['Andra']}/flytta-upp").status_code == 405


def test_admin_deletes_a_rule(app, admin, org):
    ids = add_rules(app, org, "Andra")
    response = admin.post(f"/admin/regler/{ids['Andra']}/ta-bort", follow_redirects=True)
    assert "Styrningsregeln Andra togs bort." in text(response)
    assert rule_names(app) == ["Ekonomiskt bistånd till socialtjänsten"]


# --- asking before deleting ------------------------------------------------------


def test_delete_links_lead_to_a_page_that_asks_first(app, admin, org):
    """No single click deletes: the edit page and the rule list link to a page that
    asks, and only its button (a POST to the same address) deletes."""
    group = org.groups.miljo
    edit_page = text(admin.get(f"/admin/grupper/{group}/redigera"))
    assert f'<a href="/admin/grupper/{group}/ta-bort" class="button button--danger">' in edit_page
    asked = text(admin.get(f"/admin/grupper/{group}/ta-bort"))
    assert "<h1>Vill du ta bort gruppen Miljö och hälsa?</h1>" in asked
    assert "Det går inte att ångra." in asked
    assert 'method="post"' in asked.split("<main")[1] and "Ja, ta bort" in asked
    assert f'href="/admin/grupper/{group}/redigera">Avbryt</a>' in asked
    assert count(app, Group) == 4  # asking deleted nothing
    with app.app_context():
        rule_id = db.session.scalar(select(RoutingRule.id))
    assert f'href="/admin/regler/{rule_id}/ta-bort"' in text(admin.get("/admin/regler"))
    assert "Vill du ta bort styrningsregeln" in text(admin.get(f"/admin/regler/{rule_id}/ta-bort"))
    assert count(app, RoutingRule) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/admin/grupper/{bygg}/ta-bort", "Bygglov används"),
        ("/admin/grupper/{kundtjanst}/ta-bort", "Kundtjänstgruppen kan inte tas bort."),
        ("/admin/kategorier/{bistand}/ta-bort", "används (ärenden: 0, styrningsregler: 1)"),
        ("/admin/forvaltningar/{department}/ta-bort", "kan inte tas bort så länge grupper"),
    ],
)
def test_the_page_says_why_when_something_cannot_be_deleted(admin, org, ids, url, reason):
    values = {**ids, "kundtjanst": org.groups.kundtjanst, "bistand": org.categories.bistand}
    page = text(admin.get(url.format(**values)))
    assert reason in page
    assert "Ja, ta bort" not in page and 'method="post"' not in page.split("<main")[1]


def test_a_name_taken_at_the_same_moment_is_a_conflict_not_a_crash(app, admin, monkeypatch):
    from kundtjanst.org import services

    # Another administrator saved the same name between our check and our write.
    monkeypatch.setattr(services, "_name_taken", lambda *args: False)
    response = admin.post("/admin/forvaltningar/ny", data={"name": "Socialförvaltningen"})
    assert response.status_code == 409
    assert "Någon annan ändrade samtidigt." in text(response)
    assert count(app, Department) == 3
    assert admin.get("/admin/forvaltningar").status_code == 200


# --- settings ---------------------------------------------------------------


def test_settings_page_shows_defaults_and_saves(app, login_as):
    from kundtjanst.settings import services as settings

    client = login_as("admin")
    html = client.get("/admin/installningar").get_data(as_text=True)
    assert "Mål för besvarade vid första kontakt" in html and 'value="70"' in html
    response = client.post(
        "/admin/installningar",
        data={"first_contact_target": "75", "repeat_contact_window_days": "10"},
    )
    assert response.status_code == 302
    with app.test_request_context():
        assert settings.get("first_contact_target") == 75
        assert settings.get("repeat_contact_window_days") == 10


@pytest.mark.parametrize("value", ["", "0", "101", "abc", "7.5", "-3", "99999999999999999999"])
def test_settings_refuse_bad_values(app, login_as, value):
    from kundtjanst.settings import services as settings

    client = login_as("admin")
    response = client.post(
        "/admin/installningar",
        data={"first_contact_target": value, "repeat_contact_window_days": "7"},
    )
    assert response.status_code == 400
    assert "Något behöver rättas" in response.get_data(as_text=True)
    with app.test_request_context():
        assert settings.get("first_contact_target") == 70


@pytest.mark.parametrize("who", ["agent", "member", "manager"])
def test_settings_are_admin_only(login_as, who):
    assert login_as(who).get("/admin/installningar").status_code == 403
    assert login_as(who).post("/admin/installningar", data={}).status_code == 403


def test_saving_settings_unchanged_keeps_who_changed_them_last(app, login_as, org):
    from kundtjanst.settings.models import Setting

    client = login_as("admin")
    data = {"first_contact_target": "75", "repeat_contact_window_days": "7"}
    assert client.post("/admin/installningar", data=data).status_code == 302
    with app.app_context():
        # The window kept its default: no row for it.
        assert [s.key for s in db.session.scalars(select(Setting))] == ["first_contact_target"]
        before = db.session.get(Setting, "first_contact_target").updated_at
    assert client.post("/admin/installningar", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Setting, "first_contact_target").updated_at == before
        assert count(app, Setting) == 1


# --- the learning loop's reasons --------------------------------------------------


def test_reasons_list_create_and_edit(app, admin):
    from kundtjanst.org.models import CouldReason

    assert "Det finns inga orsaker ännu." in text(admin.get("/admin/orsaker"))
    data = {"name": "  Finns på webben ", "active": "y"}
    response = admin.post("/admin/orsaker/ny", data=data, follow_redirects=True)
    assert "Orsaken Finns på webben sparades." in text(response)
    with app.app_context():
        reason = db.session.scalar(select(CouldReason))
        assert (reason.name, reason.active) == ("Finns på webben", True)
    admin.post(f"/admin/orsaker/{reason.id}/redigera", data={"name": "Finns på webben"})
    with app.app_context():
        assert not db.session.get(CouldReason, reason.id).active
    assert "Inaktiv" in text(admin.get("/admin/orsaker"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Skriv orsaken."),
        ("x" * 121, "Fältet får inte vara längre än 120 tecken."),
        ("ÅTGÄRD SOM KUNDTJÄNST FÅR GÖRA", "Det finns redan en orsak med det namnet."),
    ],
)
def test_a_bad_reason_is_refused_and_nothing_stored(app, admin, name, message):
    from kundtjanst.org.models import CouldReason

    admin.post("/admin/orsaker/ny", data={"name": "Åtgärd som kundtjänst får göra"})
    response = admin.post("/admin/orsaker/ny", data={"name": name})
    assert response.status_code == 400
    assert message in text(response)
    assert count(app, CouldReason) == 1
