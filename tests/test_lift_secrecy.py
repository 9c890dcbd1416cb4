"""Lifting secrecy is an explicit, audited decision by a member of the group the secret
belongs to, with the secrecy assessment as its reason; never a side effect. And before
a confidential ticket is handed on, the form says who will read what."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import EventKind, Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets import secrecy, services
from kundtjanst.tickets.errors import TicketError
from kundtjanst.tickets.models import Event, Ticket

from .factories import new_ticket, version_field

SUBJECT = "Fråga om socialtjänstens öppettider"
REASON = "Frågan gäller bara öppettider och innehåller inga uppgifter om någons förhållanden."
WARNING = "Medlemmarna i gruppen som du skickar det till kommer att kunna läsa allt i ärendet"


@pytest.fixture
def secret(app, org) -> tuple[str, str]:
    """Ekonomiskt bistånd, routed to Socialtjänst: confidential, its secret Socialtjänst's.
    Returns the reference and the citizen's status token."""
    with app.app_context():
        ticket, token = new_ticket(subject=SUBJECT, category_id=org.categories.bistand)
        assert ticket.confidential and ticket.secrecy_group_id == org.groups.social
        return ticket.reference, token


def lift(client, reference: str, reason: str = REASON):
    return client.post(
        f"/arenden/{reference}/hav-sekretess",
        data={"lift-reason": reason, **version_field(client, reference, "lift")},
    )


def load(app, reference: str) -> tuple[Ticket, list[Event], list[AuditEntry]]:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        events = list(
            db.session.scalars(select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id))
        )
        audit = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == "ticket.secrecy_lifted")
            )
        )
        db.session.expunge_all()
        return ticket, events, audit


def transferred_from_social(app, org, to: int, claimant: str | None = None) -> str:
    """A bistånd question Socialtjänst claimed and transferred to group ``to`` ("wrong
    group"), there claimed by ``claimant``; its reference."""
    with app.app_context():
        ticket, _ = new_ticket(subject=SUBJECT, category_id=org.categories.bistand)
        social = db.session.get(User, org.users.social)
        services.claim(ticket, social)
        services.transfer(ticket, social, db.session.get(Group, to))
        if claimant is not None:
            services.claim(ticket, db.session.get(User, getattr(org.users, claimant)))
        db.session.commit()
        return ticket.reference


def test_a_member_of_the_secrecy_group_lifts_it(app, org, login_as, secret):
    reference, _token = secret
    social = login_as("social")
    assert "Häv sekretessen" in social.get(f"/arenden/{reference}").get_data(as_text=True)
    response = lift(social, reference)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/arenden/{reference}")

    ticket, events, audit = load(app, reference)
    assert not ticket.confidential and ticket.secrecy_group_id is None
    lifted = events[-1]
    assert lifted.kind == EventKind.SECRECY_LIFTED and lifted.body == REASON
    assert lifted.actor_id == org.users.social
    assert lifted.data["secrecy_group_id"] == org.groups.social
    # The audit log names the decision and its timeline entry, never the reason.
    assert [(e.target, e.user_id, e.details) for e in audit] == [
        (reference, org.users.social, {"entry": lifted.id})
    ]
    assert "öppettider" not in json.dumps([e.details for e in audit], ensure_ascii=False)

    page = social.get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Sekretessen hävdes" in page and REASON in page and "Häv sekretessen" not in page
    # From now on a normal ticket: kundtjänst and managers read it and find it.
    for who in ("agent", "manager"):
        client = login_as(who)
        assert SUBJECT in client.get(f"/arenden/{reference}").get_data(as_text=True), who
        assert reference in client.get("/sok?q=öppettider").get_data(as_text=True), who


def test_the_secrecy_assessment_is_required(app, login_as, secret):
    reference, _token = secret
    response = lift(login_as("social"), reference, reason="  ")
    assert response.status_code == 400
    assert "Skriv sekretessprövningen" in response.get_data(as_text=True)
    ticket, events, audit = load(app, reference)
    assert ticket.confidential and audit == []
    assert EventKind.SECRECY_LIFTED not in {e.kind for e in events}


@pytest.mark.parametrize("who", ["agent", "member", "other", "manager", "admin"])
def test_nobody_else_may_lift_it(app, login_as, secret, who):
    """They may not even read it: 404, as for every action on it."""
    reference, _token = secret
    assert lift(login_as(who), reference).status_code == 404
    assert load(app, reference)[0].confidential


def test_the_group_holding_it_may_read_it_but_not_lift_someone_elses_secret(app, org, login_as):
    """Transferred from Socialtjänst to Bygglov: Bygglov works it, Socialtjänst decides."""
    reference = transferred_from_social(app, org, org.groups.bygg, claimant="member")
    member = login_as("member")
    page = member.get(f"/arenden/{reference}").get_data(as_text=True)
    assert SUBJECT in page and "Häv sekretessen" not in page
    assert lift(member, reference).status_code == 403
    assert lift(login_as("social"), reference).status_code == 302
    assert not load(app, reference)[0].confidential


def test_without_a_secrecy_group_the_group_holding_it_decides(app, org, login_as):
    """A confidential subject area whose usual group is not a confidential one: the
    secret belongs to no group, and whoever holds the ticket may lift it."""
    with app.app_context():
        area = Category(
            name="Skyddade uppgifter",
            confidential=True,
            default_group=db.session.get(Group, org.groups.bygg),
        )
        db.session.add(area)
        db.session.commit()
        ticket, _ = new_ticket(subject=SUBJECT, category_id=area.id)
        assert ticket.confidential and ticket.secrecy_group_id is None
        assert ticket.group_id == org.groups.kundtjanst
        reference = ticket.reference
    assert lift(login_as("social"), reference).status_code == 404
    assert lift(login_as("agent"), reference).status_code == 302
    assert not load(app, reference)[0].confidential


def test_a_ticket_without_secrecy_has_none_to_lift(app, org, login_as):
    with app.app_context():
        ticket, _ = new_ticket()
        reference = ticket.reference
        with pytest.raises(TicketError):
            secrecy.lift(ticket, db.session.get(User, org.users.agent), REASON)
        db.session.rollback()
    agent = login_as("agent")
    assert "Häv sekretessen" not in agent.get(f"/arenden/{reference}").get_data(as_text=True)
    assert lift(agent, reference).status_code == 403
    assert load(app, reference)[2] == []


def test_the_citizen_never_sees_the_decision(app, login_as, client, secret):
    reference, token = secret
    assert lift(login_as("social"), reference).status_code == 302
    page = client.get(f"/arende/{token}").get_data(as_text=True)
    assert REASON not in page and "Sekretessen hävdes" not in page


def test_reopened_in_a_confidential_group_it_is_confidential_again(
    app, org, client, login_as, secret
):
    """The citizen writes again: what comes in now is written in Socialtjänst, under
    secrecy, whatever was decided about what came before."""
    reference, token = secret
    assert lift(login_as("social"), reference).status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        social = db.session.get(User, org.users.social)
        services.claim(ticket, social)
        services.resolve(ticket, social, Outcome.ANSWERED, reply_body="Vi har öppet 8–16.")
        db.session.commit()
    assert login_as("agent").get(f"/arenden/{reference}").status_code == 200
    response = client.post(f"/arende/{token}", data={"message": "Jag har en följdfråga."})
    assert response.status_code == 302
    ticket, _events, _audit = load(app, reference)
    assert ticket.is_open and ticket.confidential
    assert ticket.secrecy_group_id == org.groups.social


# --- the hand-off forms say plainly what the receiving group will see -----------------


def test_the_transfer_form_warns_when_the_ticket_is_confidential(app, org, login_as, secret):
    reference, _token = secret
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        services.claim(ticket, db.session.get(User, org.users.social))
        db.session.commit()
    page = login_as("social").get(f"/arenden/{reference}").get_data(as_text=True)
    transfer = page.split("<h2>Överlämna</h2>")[1].split("</form>")[0]
    assert WARNING in transfer and "fortsätter att omfattas av sekretess" in transfer


def test_the_escalation_form_warns_when_the_ticket_is_confidential(app, org, login_as):
    """Transferred back to kundtjänst, the agent about to send it on is told too."""
    reference = transferred_from_social(app, org, org.groups.kundtjanst)
    page = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    escalate = page.split("<h2>Skicka till svarsgrupp</h2>")[1].split("</form>")[0]
    assert WARNING in escalate


def test_no_warning_for_a_ticket_without_secrecy(app, org, login_as):
    with app.app_context():
        ticket, _ = new_ticket()
        services.escalate(
            ticket,
            db.session.get(User, org.users.agent),
            db.session.get(Group, org.groups.bygg),
        )
        services.claim(ticket, db.session.get(User, org.users.member))
        db.session.commit()
        reference = ticket.reference
    page = login_as("member").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "<h2>Överlämna</h2>" in page and WARNING not in page
