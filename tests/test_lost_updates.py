"""No lost updates: two people changing one ticket at once, or a citizen writing while
a member answers. The later save is told the ticket changed, saves nothing, keeps
what was written, and goes through when sent again."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, update

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import EventKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import citizen, services
from kundtjanst.tickets.models import Event, Ticket

from .conftest import login
from .factories import new_ticket, version_field

CHANGED = "Ärendet har ändrats sedan du öppnade det"


def make(app, **kw) -> tuple[str, str]:
    with app.app_context():
        ticket, token = new_ticket(**kw)
        return ticket.reference, token


def claimed_by_member(app, org) -> tuple[str, str]:
    """A web question escalated to Bygglov and claimed by "member"."""
    with app.app_context():
        ticket, token = new_ticket()
        services.escalate(
            ticket, db.session.get(User, org.users.agent), db.session.get(Group, org.groups.bygg)
        )
        services.claim(ticket, db.session.get(User, org.users.member))
        db.session.commit()
        return ticket.reference, token


def page_version(html: str, prefix: str) -> str:
    """The version the page's form carries, as a browser would send it."""
    match = re.search(rf'name="{prefix}-version"[^>]*value="(\d+)"', html)
    assert match, f"no {prefix}-version field on the page"
    return match.group(1)


def state(app, reference) -> tuple:
    """The ticket row as it matters here, and its whole timeline."""
    with app.app_context():
        t = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        events = db.session.execute(
            select(Event.kind, Event.actor_id, Event.body)
            .where(Event.ticket_id == t.id)
            .order_by(Event.id)
        ).all()
        row = (t.version, t.status, t.group_id, t.claimed_by_id, t.outcome, t.first_response_at)
        return row, [tuple(e) for e in events]


def replies(app, reference) -> list[str]:
    _row, events = state(app, reference)
    return [body for kind, _actor, body in events if kind == EventKind.REPLY]


# --- two staff at once -----------------------------------------------------------


def test_two_agents_reply_the_later_is_told_and_loses_nothing(app, org, login_as):
    ref, _ = make(app)
    anna, alva = login_as("agent"), login_as("agent2")
    seen = page_version(anna.get(f"/arenden/{ref}").get_data(as_text=True), "reply")
    assert page_version(alva.get(f"/arenden/{ref}").get_data(as_text=True), "reply") == seen

    first = anna.post(
        f"/arenden/{ref}/svara", data={"reply-body": "Tömning på torsdag.", "reply-version": seen}
    )
    assert first.status_code == 302
    before = state(app, ref)

    second = alva.post(
        f"/arenden/{ref}/svara",
        data={"reply-body": "Vi skickar en bil i morgon.", "reply-version": seen},
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert CHANGED in html
    # What changed: Anna's reply, by name, in the notice.
    notice = html[html.index('id="refusal"') : html.index("</section>", html.index('id="refusal"'))]
    assert "Tömning på torsdag." in notice and "Anna Agent" in notice
    # Alva's text is still in her form, which now carries the new version.
    assert "Vi skickar en bil i morgon.</textarea>" in html
    fresh = page_version(html, "reply")
    assert int(fresh) > int(seen)
    # Nothing of hers was saved; Anna's reply stands.
    assert state(app, ref) == before
    assert replies(app, ref) == ["Tömning på torsdag."]

    again = alva.post(
        f"/arenden/{ref}/svara",
        data={"reply-body": "Vi skickar en bil i morgon.", "reply-version": fresh},
    )
    assert again.status_code == 302
    assert replies(app, ref) == ["Tömning på torsdag.", "Vi skickar en bil i morgon."]


def test_two_resolves_the_first_stands_the_second_gets_its_text_back(app, org, login_as):
    ref, _ = make(app)
    anna, alva = login_as("agent"), login_as("agent2")
    seen = page_version(anna.get(f"/arenden/{ref}").get_data(as_text=True), "resolve")

    first = anna.post(
        f"/arenden/{ref}/avsluta",
        data={"resolve-outcome": "answered", "resolve-reply": "Svar A", "resolve-version": seen},
    )
    assert first.status_code == 302
    before = state(app, ref)

    second = alva.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "referred",
            "resolve-referred_to": "Skatteverket",
            "resolve-reply": "Svar B <b>viktigt</b>",
            "resolve-version": seen,
        },
    )
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert CHANGED in html
    # The ticket is closed, so no form shows Alva's answer: the notice gives it back.
    assert "Avsluta ärendet" not in html
    assert "Det du skrev (inte sparat)" in html
    assert "Svar B &lt;b&gt;viktigt&lt;/b&gt;" in html and "Skatteverket" in html
    assert state(app, ref) == before
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == ref))
        assert ticket.outcome == Outcome.ANSWERED and ticket.referred_to is None


def test_a_colleagues_note_is_a_change_too(app, org, login_as):
    """Every timeline entry raises the version: a note may say what the reply should
    not (``I have already called them``), so the member writing a reply is told."""
    ref, _ = claimed_by_member(app, org)
    member, colleague = login_as("member"), login_as("member2")
    seen = page_version(member.get(f"/arenden/{ref}").get_data(as_text=True), "reply")
    note = {"note-body": "Jag har redan ringt henne.", **version_field(colleague, ref, "note")}
    assert colleague.post(f"/arenden/{ref}/anteckning", data=note).status_code == 302

    response = member.post(
        f"/arenden/{ref}/svara", data={"reply-body": "Hej!", "reply-version": seen}
    )
    assert response.status_code == 409
    assert "Jag har redan ringt henne." in response.get_data(as_text=True)
    assert replies(app, ref) == []


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("svara", {"reply-body": "Svar"}),
        ("anteckning", {"note-body": "Anteckning"}),
        ("avsluta", {"resolve-outcome": "answered", "resolve-note": "Klart"}),
        ("overlamna", {"transfer-group": "miljo", "transfer-note": "Buller"}),
        ("slapp", {}),
    ],
)
def test_every_action_on_an_older_version_saves_nothing(app, org, login_as, action, data):
    ref, _ = claimed_by_member(app, org)
    member = login_as("member")
    prefix = {
        "svara": "reply",
        "anteckning": "note",
        "avsluta": "resolve",
        "overlamna": "transfer",
        "slapp": "release",
    }[action]
    seen = page_version(member.get(f"/arenden/{ref}").get_data(as_text=True), prefix)
    with app.app_context():  # meanwhile, the citizen writes
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == ref))
        citizen.citizen_message(ticket, "Jag glömde säga att det gäller garaget.")
        db.session.commit()
    before = state(app, ref)
    data = {k: str(org.groups.miljo) if v == "miljo" else v for k, v in data.items()}

    response = member.post(f"/arenden/{ref}/{action}", data={**data, f"{prefix}-version": seen})
    assert response.status_code == 409
    assert "Jag glömde säga att det gäller garaget." in response.get_data(as_text=True)
    assert state(app, ref) == before


def test_escalate_and_repeat_on_an_older_version_save_nothing(app, org, login_as):
    with app.app_context():
        earlier, _ = new_ticket(category_id=org.categories.avfall, citizen_email="e@example.org")
        later, _ = new_ticket(category_id=org.categories.avfall, citizen_email="e@example.org")
        refs = earlier.reference, later.reference
    agent = login_as("agent")
    html = agent.get(f"/arenden/{refs[1]}").get_data(as_text=True)
    seen = {p: page_version(html, p) for p in ("escalate", "repeat")}
    agent2 = login_as("agent2")
    note = {"note-body": "Hon ringer tillbaka.", **version_field(agent2, refs[1], "note")}
    assert agent2.post(f"/arenden/{refs[1]}/anteckning", data=note).status_code == 302
    before = state(app, refs[1]), state(app, refs[0])

    escalate = {"escalate-group": str(org.groups.bygg), "escalate-version": seen["escalate"]}
    assert agent.post(f"/arenden/{refs[1]}/eskalera", data=escalate).status_code == 409
    repeat = {"repeat-earlier": refs[0], "repeat-version": seen["repeat"]}
    response = agent.post(f"/arenden/{refs[1]}/upprepad", data=repeat)
    assert response.status_code == 409
    assert "Hon ringer tillbaka." in response.get_data(as_text=True)
    assert (state(app, refs[1]), state(app, refs[0])) == before


def test_a_form_without_its_version_is_refused_and_keeps_the_text(app, org, login_as):
    ref, _ = make(app)
    client = login_as("agent")
    before = state(app, ref)
    response = client.post(f"/arenden/{ref}/svara", data={"reply-body": "Mitt långa svar"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Formuläret var inaktuellt" in html
    assert "Mitt långa svar</textarea>" in html
    assert state(app, ref) == before
    # The page it answers with carries the version: sending again works.
    data = {"reply-body": "Mitt långa svar", "reply-version": page_version(html, "reply")}
    assert client.post(f"/arenden/{ref}/svara", data=data).status_code == 302


@pytest.mark.parametrize("value", ["", "abc", "-1", "1.5", "9" * 30, "٣"])
def test_a_nonsense_version_is_refused(app, org, login_as, value):
    ref, _ = make(app)
    before = state(app, ref)
    response = login_as("agent").post(
        f"/arenden/{ref}/svara", data={"reply-body": "Svar", "reply-version": value}
    )
    assert response.status_code in (400, 409)
    assert state(app, ref) == before


# --- the citizen writes while a member answers -----------------------------------


def test_citizen_message_while_member_writes_a_reply(app, org, login_as, client):
    ref, token = claimed_by_member(app, org)
    member = login_as("member")
    seen = page_version(member.get(f"/arenden/{ref}").get_data(as_text=True), "reply")

    sent = client.post(f"/arende/{token}", data={"message": "Det gäller Storgatan 3, inte 1."})
    assert sent.status_code == 302

    response = member.post(
        f"/arenden/{ref}/svara",
        data={"reply-body": "Vi kommer till Storgatan 1.", "reply-version": seen},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert CHANGED in html and "Det gäller Storgatan 3, inte 1." in html
    assert "Vi kommer till Storgatan 1.</textarea>" in html
    assert replies(app, ref) == []

    fixed = member.post(
        f"/arenden/{ref}/svara",
        data={
            "reply-body": "Vi kommer till Storgatan 3.",
            "reply-version": page_version(html, "reply"),
        },
    )
    assert fixed.status_code == 302
    assert replies(app, ref) == ["Vi kommer till Storgatan 3."]
    _row, events = state(app, ref)
    assert [k for k, _a, _b in events][-2:] == [EventKind.CITIZEN_MESSAGE, EventKind.REPLY]
    status_page = client.get(f"/arende/{token}").get_data(as_text=True)
    assert "Det gäller Storgatan 3, inte 1." in status_page
    assert "Vi kommer till Storgatan 3." in status_page


def test_every_change_raises_the_version(app, org):
    with app.app_context():
        ticket, _ = new_ticket()
        versions = [ticket.version]
        agent = db.session.get(User, org.users.agent)
        for change in (
            lambda: services.add_note(ticket, agent, "Notering"),
            lambda: citizen.citizen_message(ticket, "Hej igen"),
            lambda: services.reply(ticket, agent, "Svar"),
            lambda: citizen.citizen_message(ticket, "Tack, en sak till"),
            lambda: services.resolve(ticket, agent, Outcome.ANSWERED),
            lambda: citizen.citizen_message(ticket, "Öppna igen"),  # reopens
        ):
            change()
            db.session.commit()
            versions.append(ticket.version)
        assert versions == sorted(set(versions)), versions
        # Each entry keeps the version it made: the conflict notice lists them by it.
        made = db.session.scalars(
            select(Event.data).where(Event.ticket_id == ticket.id).order_by(Event.id)
        ).all()
        assert "version" not in made[0]  # created: the first version
        assert all(d["version"] <= ticket.version for d in made[1:])


# --- both pass the check at once ------------------------------------------------------


def test_a_change_between_check_and_save_is_told_not_overwritten(app, org, login_as, monkeypatch):
    """Where the database has no row locks (SQLite), two saves can both pass the
    version check; the later one's UPDATE then finds a newer version. Simulated here
    by a change made between the check and the save, in any database."""
    ref, _ = make(app)
    client = login_as("agent")
    real_reply = services.reply

    def reply_after_a_colleague(ticket, actor, body):
        db.session.execute(
            update(Ticket)
            .where(Ticket.id == ticket.id)
            .values(version=Ticket.version + 1)
            .execution_options(synchronize_session=False)
        )
        real_reply(ticket, actor, body)

    monkeypatch.setattr(services, "reply", reply_after_a_colleague)
    before = state(app, ref)
    response = client.post(
        f"/arenden/{ref}/svara",
        data={"reply-body": "Mitt svar", **version_field(client, ref, "reply")},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert CHANGED in html and "Mitt svar</textarea>" in html
    assert state(app, ref) == before  # the simulated change was rolled back with it


@pytest.mark.postgres
def test_two_simultaneous_resolves_exactly_one_wins(app, org, monkeypatch):
    """Real concurrency: both pages show the same version, both submit at once. The
    ticket row is locked for update, so the second waits, then sees the new version."""
    ref, _ = make(app)
    with app.app_context():
        seen = str(db.session.scalar(select(Ticket.version).where(Ticket.reference == ref)))
    real_resolve = services.resolve

    def slow_resolve(*args, **kwargs):
        real_resolve(*args, **kwargs)
        time.sleep(0.3)  # hold the lock: the other request must wait on it

    monkeypatch.setattr(services, "resolve", slow_resolve)
    barrier = threading.Barrier(2)

    def resolve(who: str) -> tuple[int, str, str]:
        client = app.test_client()
        login(client, getattr(org.users, who))
        barrier.wait()
        response = client.post(
            f"/arenden/{ref}/avsluta",
            data={
                "resolve-outcome": "answered",
                "resolve-reply": f"Svar från {who}",
                "resolve-version": seen,
            },
        )
        return response.status_code, who, response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(resolve, ["agent", "agent2"]))

    assert sorted(code for code, _, _ in results) == [302, 409]
    winner = next(who for code, who, _ in results if code == 302)
    loser, html = next((who, html) for code, who, html in results if code == 409)
    assert CHANGED in html
    assert f"Svar från {loser}" in html  # given back: the closed ticket shows no form
    assert replies(app, ref) == [f"Svar från {winner}"]
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == ref))
        assert ticket.status == Status.RESOLVED
        resolved = db.session.scalars(
            select(Event.id).where(Event.ticket_id == ticket.id, Event.kind == "resolved")
        ).all()
        assert len(resolved) == 1


@pytest.mark.postgres
def test_citizen_message_and_reply_at_once_both_kept_or_told(app, org, monkeypatch):
    """A citizen's message and a member's reply submitted at the same moment: either
    the reply went first and the message follows it, or the reply is told of the message.
    Never is either lost."""
    ref, token = claimed_by_member(app, org)
    with app.app_context():
        seen = str(db.session.scalar(select(Ticket.version).where(Ticket.reference == ref)))
    barrier = threading.Barrier(2)

    def citizen() -> int:
        barrier.wait()
        return (
            app.test_client().post(f"/arende/{token}", data={"message": "Medborgaren"}).status_code
        )

    def member() -> int:
        client = app.test_client()
        login(client, org.users.member)
        barrier.wait()
        data = {"reply-body": "Medlemmen", "reply-version": seen}
        return client.post(f"/arenden/{ref}/svara", data=data).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        message, reply = pool.submit(citizen), pool.submit(member)
        message_code, reply_code = message.result(), reply.result()

    assert message_code == 302
    _row, events = state(app, ref)
    kinds = [k for k, _a, _b in events]
    assert kinds.count(EventKind.CITIZEN_MESSAGE) == 1
    if reply_code == 302:  # the reply was first; the message came after it
        assert kinds[-2:] == [EventKind.REPLY, EventKind.CITIZEN_MESSAGE]
    else:
        assert reply_code == 409 and EventKind.REPLY not in kinds


def test_system_bookkeeping_meanwhile_does_not_refuse_a_reply(app, org, login_as):
    """The SLA watch recording a breach raises the version, but a person's reply
    written meanwhile is not refused because of it."""
    from datetime import timedelta

    from kundtjanst.core.timeutil import utcnow
    from kundtjanst.tickets.jobs import record_breaches

    reference, _ = claimed_by_member(app, org)
    member = login_as("member")
    seen = page_version(member.get(f"/arenden/{reference}").get_data(as_text=True), "reply")
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        ticket.due_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert record_breaches(utcnow())
        db.session.commit()
    response = member.post(
        f"/arenden/{reference}/svara", data={"reply-body": "Svar", "reply-version": seen}
    )
    assert response.status_code == 302
    assert replies(app, reference) == ["Svar"]
