"""No ticket is left where nobody can reach it: a ticket that comes back to life in a
deactivated group goes to the group's successor (or kundtjänst); a member removed
from a group, or deactivated, gives up their claims there; administrators see the
claims nobody can work and release them in one action."""

from __future__ import annotations

from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import EventKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Event, Ticket

from .factories import new_ticket


def closed_in_bygg(app, org) -> tuple[str, str]:
    """A ticket Bygglov answered and closed; its reference and status token."""
    with app.app_context():
        ticket, token = new_ticket()
        agent, member = (db.session.get(User, u) for u in (org.users.agent, org.users.member))
        services.escalate(ticket, agent, db.session.get(Group, org.groups.bygg))
        services.claim(ticket, member)
        services.resolve(ticket, member, Outcome.ANSWERED, reply_body="Svar")
        db.session.commit()
        return ticket.reference, token


def deactivate_bygg(app, org, successor: int | None) -> None:
    with app.app_context():
        bygg = db.session.get(Group, org.groups.bygg)
        bygg.active, bygg.successor_id = False, successor
        db.session.commit()


def ticket(app, reference) -> Ticket:
    with app.app_context():
        found = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        db.session.expunge(found)
        return found


def test_a_message_reopens_a_ticket_of_a_deactivated_group_in_its_successor(app, org, login_as):
    reference, token = closed_in_bygg(app, org)
    deactivate_bygg(app, org, org.groups.miljo)
    response = app.test_client().post(f"/arende/{token}", data={"message": "Det räckte inte."})
    assert response.status_code == 302
    reopened = ticket(app, reference)
    assert reopened.status == Status.OPEN and reopened.group_id == org.groups.miljo
    assert reopened.claimed_by_id is None  # the claimant is no member of Miljö
    queue = login_as("other").get("/ko/miljo").get_data(as_text=True)
    assert reference in queue  # someone can see and claim it
    with app.app_context():
        entry = db.session.scalar(
            select(Event).where(Event.kind == EventKind.REOPENED).order_by(Event.id.desc())
        )
        assert entry.group_id == org.groups.miljo
        assert entry.data["from_group_id"] == org.groups.bygg


def test_without_a_successor_kundtjanst_takes_it(app, org, login_as):
    reference, token = closed_in_bygg(app, org)
    deactivate_bygg(app, org, None)
    app.test_client().post(f"/arende/{token}", data={"message": "Hallå?"})
    assert ticket(app, reference).group_id == org.groups.kundtjanst
    assert reference in login_as("agent").get("/inkorg").get_data(as_text=True)


def test_a_chain_of_deactivated_successors_is_followed(app, org):
    reference, token = closed_in_bygg(app, org)
    with app.app_context():
        miljo = db.session.get(Group, org.groups.miljo)
        miljo.active, miljo.successor_id = False, org.groups.social
        db.session.commit()
    deactivate_bygg(app, org, org.groups.miljo)
    app.test_client().post(f"/arende/{token}", data={"message": "Hallå?"})
    assert ticket(app, reference).group_id == org.groups.social


def claimed_by_member(app, org) -> str:
    with app.app_context():
        made, _ = new_ticket()
        agent, member = (db.session.get(User, u) for u in (org.users.agent, org.users.member))
        services.escalate(made, agent, db.session.get(Group, org.groups.bygg))
        services.claim(made, member)
        db.session.commit()
        return made.reference


def test_removing_a_member_from_a_group_releases_their_claims_there(app, org, login_as):
    reference = claimed_by_member(app, org)
    admin = login_as("admin")
    response = admin.post(
        f"/admin/anvandare/{org.users.member}/redigera",
        data={
            "email": "bo.bygg@kommun.se",
            "name": "Bo Bygg",
            "role": "staff",
            "memberships": [str(org.groups.miljo)],
            "active": "y",
        },
    )
    assert response.status_code == 302
    released = ticket(app, reference)
    assert released.claimed_by_id is None and released.status == Status.OPEN
    with app.app_context():
        entry = db.session.scalar(select(Event).order_by(Event.id.desc()))
        assert entry.kind == EventKind.RELEASED
        assert entry.actor_id == org.users.admin
        assert entry.data["released_user_id"] == org.users.member
    assert reference in login_as("member2").get("/ko/bygglov").get_data(as_text=True)


def test_a_change_that_keeps_the_member_keeps_the_claim(app, org, login_as):
    reference = claimed_by_member(app, org)
    login_as("admin").post(
        f"/admin/anvandare/{org.users.member}/redigera",
        data={
            "email": "bo.bygg@kommun.se",
            "name": "Bo Byggare",
            "role": "staff",
            "memberships": [str(org.groups.bygg)],
            "active": "y",
        },
    )
    assert ticket(app, reference).claimed_by_id == org.users.member


def test_administrators_list_and_release_claims_nobody_can_work(app, org, login_as):
    reference = claimed_by_member(app, org)
    kept = claimed_by_member(app, org)
    with app.app_context():  # left behind by a change made outside the screens
        db.session.get(User, org.users.member).groups = []
        db.session.commit()
        still = db.session.scalar(select(Ticket).where(Ticket.reference == kept))
        services.release(still, db.session.get(User, org.users.member))
        services.claim(still, db.session.get(User, org.users.member2))
        db.session.commit()
    admin = login_as("admin")
    page = admin.get("/admin/fastnade-arenden").get_data(as_text=True)
    assert reference in page and kept not in page and "Bo Bygg" in page
    assert admin.post("/admin/fastnade-arenden").status_code == 302
    assert ticket(app, reference).claimed_by_id is None
    assert ticket(app, kept).claimed_by_id == org.users.member2
    after = admin.get("/admin/fastnade-arenden").get_data(as_text=True)
    assert reference not in after


# --- deactivating a group names its successor ----------------------------------------


def test_a_group_that_has_had_tickets_is_deactivated_only_with_a_successor(app, org, login_as):
    from .test_admin import edit_group, text

    reference, token = closed_in_bygg(app, org)
    admin = login_as("admin")
    refused = edit_group(app, admin, org.groups.bygg, active=None)
    assert refused.status_code == 400
    assert "ange gruppen som tar över" in text(refused)
    for wrong in (org.groups.bygg,):  # not itself
        response = edit_group(app, admin, org.groups.bygg, active=None, successor_id=str(wrong))
        assert response.status_code == 400
    with app.app_context():
        db.session.get(Group, org.groups.social).active = False
        db.session.commit()
    inactive = edit_group(
        app, admin, org.groups.bygg, active=None, successor_id=str(org.groups.social)
    )
    assert inactive.status_code == 400  # not an inactive one either
    done = edit_group(app, admin, org.groups.bygg, active=None, successor_id=str(org.groups.miljo))
    assert done.status_code == 302
    with app.app_context():
        bygg = db.session.get(Group, org.groups.bygg)
        assert not bygg.active and bygg.successor_id == org.groups.miljo
    app.test_client().post(f"/arende/{token}", data={"message": "Igen."})
    assert ticket(app, reference).group_id == org.groups.miljo
