"""Confidential groups: their tickets' contents reach members only, in every listing."""

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.permissions import can_view, ticket_scope
from kundtjanst.tickets.models import Ticket

from .factories import new_ticket, version_field

SECRET_SUBJECT = "Ansökan om försörjningsstöd"
SECRET_TEXT = "Jag har inga pengar till hyran denna månad."


@pytest.fixture
def secret(app, org) -> str:
    with app.app_context():
        ticket, _ = new_ticket(
            subject=SECRET_SUBJECT, description=SECRET_TEXT, category_id=org.categories.bistand
        )
        assert ticket.group_id == org.groups.social and ticket.confidential
        return ticket.reference


def test_member_sees_the_ticket_in_queue_and_page(login_as, secret):
    member = login_as("social")
    assert secret in member.get("/ko/socialtjanst").get_data(as_text=True)
    page = member.get(f"/arenden/{secret}").get_data(as_text=True)
    assert SECRET_SUBJECT in page and SECRET_TEXT in page


def test_kundtjanst_sees_only_reference_status_and_group(login_as, secret):
    page = login_as("agent").get(f"/arenden/{secret}").get_data(as_text=True)
    assert secret in page and "Socialtjänst" in page and "Öppen" in page
    assert SECRET_SUBJECT not in page and SECRET_TEXT not in page
    assert "sekretess" in page


@pytest.mark.parametrize("who", ["member", "other", "manager", "admin"])
def test_everyone_else_gets_not_found(login_as, secret, who):
    response = login_as(who).get(f"/arenden/{secret}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert SECRET_SUBJECT not in html and secret not in html


@pytest.mark.parametrize("who", ["agent", "member", "other", "manager", "admin"])
def test_actions_are_not_found_for_non_members(login_as, secret, who):
    client = login_as(who)
    for action, data in [
        ("svara", {"reply-body": "x"}),
        ("anteckning", {"note-body": "x"}),
        ("ta", {}),
        ("avsluta", {"resolve-outcome": "answered"}),
        ("overlamna", {"transfer-group": "1"}),
    ]:
        assert client.post(f"/arenden/{secret}/{action}", data=data).status_code == 404


@pytest.mark.parametrize("who", ["agent", "manager", "admin", "member"])
def test_text_search_never_finds_contents(login_as, secret, who):
    html = login_as(who).get("/sok?q=försörjningsstöd").get_data(as_text=True)
    assert secret not in html and SECRET_SUBJECT not in html


def test_member_finds_it_by_text(login_as, secret):
    assert secret in login_as("social").get("/sok?q=hyran").get_data(as_text=True)


def test_reference_search_gives_kundtjanst_metadata_only(login_as, secret):
    html = login_as("agent").get(f"/sok?q={secret}").get_data(as_text=True)
    assert "under sekretess" in html and SECRET_SUBJECT not in html
    html = login_as("manager").get(f"/sok?q={secret}").get_data(as_text=True)
    assert secret not in html.split("<main")[1].split("</form>")[1]


def test_other_group_queue_is_forbidden(login_as, secret):
    assert login_as("member").get("/ko/socialtjanst").status_code == 403
    assert login_as("manager").get("/ko/socialtjanst").status_code == 403


def test_scope_filter_is_in_the_query(app, org, secret):
    """The same SQL filter every listing uses counts the ticket only for members."""
    with app.app_context():
        for who, expected in [
            ("social", 1),
            ("agent", 0),
            ("manager", 0),
            ("admin", 0),
            ("member", 0),
        ]:
            user = db.session.get(User, getattr(org.users, who))
            count = db.session.scalar(
                select(func.count()).select_from(Ticket).where(ticket_scope(user))
            )
            assert count == expected, who
            ticket = db.session.scalar(select(Ticket).where(Ticket.reference == secret))
            assert can_view(user, ticket) is bool(expected)


def test_escalating_into_secrecy_removes_kundtjanst_access(app, login_as, org):
    with app.app_context():
        ticket, _ = new_ticket(subject="Behöver hjälp med hyran")
        ref = ticket.reference
    agent = login_as("agent")
    response = agent.post(
        f"/arenden/{ref}/eskalera",
        data={"escalate-group": str(org.groups.social), **version_field(agent, ref, "escalate")},
    )
    assert response.status_code == 302
    assert ref not in response.headers["Location"]
    page = agent.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Behöver hjälp med hyran" not in page
    assert ref in login_as("social").get("/ko/socialtjanst").get_data(as_text=True)


def test_repeat_link_to_a_ticket_now_under_secrecy_is_not_shown(app, login_as, org):
    """A later contact confirmed as a repeat links to the earlier one; once the earlier
    one is in a confidential group, only those who may read it see the link."""
    with app.app_context():
        email = "hyra@example.org"
        earlier, _ = new_ticket(category_id=org.categories.avfall, citizen_email=email)
        later, _ = new_ticket(category_id=org.categories.avfall, citizen_email=email)
        refs = earlier.reference, later.reference
    agent = login_as("agent")
    response = agent.post(
        f"/arenden/{refs[1]}/upprepad",
        data={"repeat-earlier": refs[0], **version_field(agent, refs[1], "repeat")},
    )
    assert response.status_code == 302
    assert refs[0] in login_as("manager").get(f"/arenden/{refs[1]}").get_data(as_text=True)
    agent.post(
        f"/arenden/{refs[0]}/eskalera",
        data={
            "escalate-group": str(org.groups.social),
            **version_field(agent, refs[0], "escalate"),
        },
    )
    page = login_as("manager").get(f"/arenden/{refs[1]}").get_data(as_text=True)
    assert refs[1] in page and refs[0] not in page
