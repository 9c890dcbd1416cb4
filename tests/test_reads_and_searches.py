"""Reads and searches are recorded: who was shown which ticket (one row per person,
ticket and day, for a register extract or "who looked?"), and searches for words such
as a citizen's name across every department, with the words hashed. The privacy page
names every recipient; the learning loop's note is shown where it helps."""

from __future__ import annotations

from sqlalchemy import func, select

from kundtjanst.audit.models import AuditEntry, TicketRead
from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Outcome
from kundtjanst.extensions import db
from kundtjanst.org.models import CouldReason, Group
from kundtjanst.tickets import services

from .factories import new_ticket


def test_every_ticket_page_read_is_recorded_once_a_day(app, login_as, org):
    with app.app_context():
        ticket, _ = new_ticket(subject="Soptunnan", citizen_email="eva@example.org")
        reference = ticket.reference
    agent, manager = login_as("agent"), login_as("manager")
    for _ in range(3):
        assert agent.get(f"/arenden/{reference}").status_code == 200
    assert manager.get(f"/arenden/{reference}").status_code == 200
    with app.app_context():
        readers = db.session.scalars(select(TicketRead.user_id).order_by(TicketRead.user_id))
        assert list(readers) == sorted([org.users.agent, org.users.manager])
    page = login_as("admin").get(f"/admin/lasningar?arende={reference.lower()}")
    html = page.get_data(as_text=True)
    assert "Anna Agent" in html and "Carl Chef" in html and "2 läsningar" in html


def test_the_reads_page_explains_a_bad_reference(login_as, org):
    response = login_as("admin").get("/admin/lasningar?arende=<script>")
    assert response.status_code == 400
    assert "KT-2026-000123" in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_a_search_for_a_name_is_recorded_with_its_words_hashed(app, login_as, org):
    with app.app_context():
        new_ticket(subject="Fråga från Kim Karlsson", citizen_email="kim@example.org")
    login_as("agent").get("/sok?q=Kim Karlsson")
    login_as("agent").get("/sok?q=KT-2026-000001")  # a reference is no search for words
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ticket.search")
        ).all()
        assert len(entries) == 1
        assert "Kim" not in str(entries[0].details) and entries[0].details["results"] == 1
    admin = login_as("admin")
    found = admin.get("/admin/logg?searched=kim  KARLSSON").get_data(as_text=True)
    assert "1 post" in found and "Sökte ärenden med ord<br><code>ticket.search</code>" in found
    other = admin.get("/admin/logg?searched=Eva Svensson").get_data(as_text=True)
    assert "0 poster" in other


def test_the_privacy_page_names_every_recipient(client):
    html = client.get("/personuppgifter").get_data(as_text=True)
    assert "Servicemätning" in html and "undersökningsföretag" in html
    assert "vem som har läst din fråga" in html


def test_the_could_have_answered_note_is_shown(app, login_as, org):
    with app.app_context():
        reason = CouldReason(name="Finns på webben")
        db.session.add(reason)
        ticket, _ = new_ticket(category_id=org.categories.bygglov)
        agent = db.session.get(User, org.users.agent)
        member = db.session.get(User, org.users.member)
        services.escalate(ticket, agent, db.session.get(Group, org.groups.bygg))
        services.claim(ticket, member)
        services.resolve(
            ticket,
            member,
            Outcome.ANSWERED,
            reply_body="Svar",
            could_have_answered=True,
            could_reason_id=reason.id,
            could_note="Sidan om altaner på webben svarar på det",
        )
        db.session.commit()
        reference = ticket.reference
        assert db.session.scalar(select(func.count()).select_from(TicketRead)) == 0
    page = login_as("manager").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Finns på webben" in page and "Sidan om altaner" in page
    drill = (
        login_as("manager")
        .get("/statistik/arenden?period=today&measure=could_have_answered")
        .get_data(as_text=True)
    )
    assert reference in drill and "Sidan om altaner" in drill and "Finns på webben" in drill
