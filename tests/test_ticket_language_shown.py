"""What staff see of the citizen's language: a badge in the lists, a fact on the
ticket, ``lang`` on what the citizen wrote (and on the status page). Recording and
routing: tests/test_ticket_language.py."""

from __future__ import annotations

import re

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.citizen import citizen_message
from kundtjanst.tickets.models import Ticket

from .test_ticket_language import make

# --- what staff see -----------------------------------------------------------------


BADGE = re.compile(r'<span class="badge badge--language" title="([^"]+)">(.*?)</span></span>')


def test_the_lists_badge_a_ticket_in_another_language(app, org, login_as):
    finnish = make(app, "fi", subject="Roska-astia")
    swedish = make(app, None, subject="Soptunnan")
    agent = login_as("agent")
    for url in ("/inkorg", "/sok?q=a"):
        page = agent.get(url).get_data(as_text=True)
        assert finnish.reference in page and swedish.reference in page
        (badge,) = BADGE.findall(page)
        title, inside = badge
        assert title.endswith("finska") and title != "finska"  # a sentence naming it
        assert inside.startswith('<span aria-hidden="true">FI</span>')
        assert f'<span class="visually-hidden">{title}' in inside
    # The queue and one's own tickets too.
    with app.app_context():
        ticket = db.session.get(Ticket, finnish.id)
        agent = db.session.get(User, org.users.agent)
        services.escalate(ticket, agent, db.session.get(Group, org.groups.bygg))
        db.session.commit()
    member = login_as("member")
    assert len(BADGE.findall(member.get("/ko/bygglov").get_data(as_text=True))) == 1
    member.post(f"/arenden/{finnish.reference}/ta")
    assert len(BADGE.findall(member.get("/mina").get_data(as_text=True))) == 1


def test_the_ticket_page_names_the_language_and_marks_the_citizens_text(app, org, login_as):
    ticket = make(app, "fi")
    with app.app_context():
        citizen_message(db.session.get(Ticket, ticket.id), "Lisätietoa: astia on keltainen.")
        db.session.commit()
    agent = login_as("agent")
    page = agent.get(f"/arenden/{ticket.reference}").get_data(as_text=True)
    assert '<dd id="ticket-language">Finska</dd>' in page
    assert '<span lang="fi">Roska-astia</span>' in page  # the heading they wrote
    assert '<div class="text question" lang="fi">Astiaa ei tyhjennetty.</div>' in page
    assert '<div class="text" lang="fi">Lisätietoa: astia on keltainen.</div>' in page
    # An English-speaking agent reads the same in English.
    agent.post("/konto", data={"language": "en"})
    page = agent.get(f"/arenden/{ticket.reference}").get_data(as_text=True)
    assert '<dd id="ticket-language">Finnish</dd>' in page


def test_text_in_the_pages_own_language_is_not_marked(app, org, login_as):
    swedish = make(app, None, subject="Soptunnan", description="Den töms inte.")
    page = login_as("agent").get(f"/arenden/{swedish.reference}").get_data(as_text=True)
    assert '<dd id="ticket-language">Svenska</dd>' in page
    assert "lang=" not in page.split("<main")[1].split("</main>")[0]
    assert not BADGE.findall(login_as("agent").get("/inkorg").get_data(as_text=True))


def test_notes_staff_took_of_a_call_are_not_marked_as_the_citizens(app, org, login_as):
    call = make(
        app,
        "fi",
        channel=Channel.PHONE,
        description="Ringde om tunnan, talar finska.",
        actor=org.users.agent,
    )
    page = login_as("agent").get(f"/arenden/{call.reference}").get_data(as_text=True)
    assert '<dd id="ticket-language">Finska</dd>' in page
    assert '<div class="text question">Ringde om tunnan, talar finska.</div>' in page


def test_the_status_page_marks_the_citizens_text_when_read_in_another_language(app, org):
    with app.app_context():
        _ticket, token = services.create_ticket(
            services.Contact(
                channel=Channel.WEB,
                subject="Roska-astia",
                description="Astiaa ei tyhjennetty.",
                language="fi",
            ),
            status_link=True,
        )
        db.session.commit()
    client = app.test_client()
    swedish = client.get(f"/arende/{token}").get_data(as_text=True)
    assert '<dd lang="fi">Roska-astia</dd>' in swedish
    assert '<div class="text" lang="fi">Astiaa ei tyhjennetty.</div>' in swedish
    finnish = client.get(f"/arende/{token}", headers={"Accept-Language": "fi"})
    assert 'lang="fi">Astiaa' not in finnish.get_data(as_text=True)
    assert '<div class="text">Astiaa ei tyhjennetty.</div>' in finnish.get_data(as_text=True)
