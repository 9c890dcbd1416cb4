"""Kundtjänst inbox, svarsgrupp queues and the actions on a ticket, through HTTP."""

import pytest
from sqlalchemy import event, select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel, GroupKind, Outcome, Priority, Status
from kundtjanst.extensions import db
from kundtjanst.org.models import Group
from kundtjanst.tickets import services
from kundtjanst.tickets.models import Event, Ticket

from .factories import new_ticket, version_field


def make(app, **kw) -> str:
    with app.app_context():
        ticket, _ = new_ticket(**kw)
        return ticket.reference


def load(app, reference) -> Ticket:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        db.session.expunge(ticket)
        return ticket


def kinds(app, reference) -> list[str]:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        return [
            e.kind
            for e in db.session.scalars(
                select(Event).where(Event.ticket_id == ticket.id).order_by(Event.id)
            )
        ]


def escalate(client, reference, group_id, note="Behöver bygglovshandläggare"):
    return client.post(
        f"/arenden/{reference}/eskalera",
        data={
            "escalate-group": str(group_id),
            "escalate-note": note,
            **version_field(client, reference, "escalate"),
        },
    )


# --- the inbox -------------------------------------------------------------


def test_inbox_lists_open_frontline_tickets_oldest_first(app, login_as, org):
    first = make(app, subject="Första frågan")
    second = make(app, subject="Andra frågan")
    html = login_as("agent").get("/inkorg").get_data(as_text=True)
    assert html.index(first) < html.index(second)
    assert "2 öppna ärenden" in html


def test_inbox_excludes_other_groups_and_closed_tickets(app, login_as, org):
    routed = make(app, category_id=org.categories.bistand)  # rule → socialtjänst
    open_ref = make(app)
    html = login_as("agent").get("/inkorg").get_data(as_text=True)
    assert open_ref in html
    assert routed not in html


def test_inbox_filters_and_search(app, login_as, org):
    web = make(app, subject="Grus på gatan", category_id=org.categories.avfall)
    phone = make(
        app, subject="Bygga altan", channel=Channel.PHONE, category_id=org.categories.bygglov
    )
    client = login_as("agent")

    html = client.get("/inkorg?channel=phone").get_data(as_text=True)
    assert phone in html and web not in html
    html = client.get(f"/inkorg?category={org.categories.avfall}").get_data(as_text=True)
    assert web in html and phone not in html
    html = client.get("/inkorg?q=altan").get_data(as_text=True)
    assert phone in html and web not in html
    html = client.get(f"/inkorg?q={web.lower()}").get_data(as_text=True)
    assert web in html and phone not in html
    short = web.split("-")[1] + "-" + str(int(web.split("-")[2]))
    html = client.get(f"/inkorg?q=KT-{short}").get_data(as_text=True)
    assert web in html and phone not in html
    html = client.get("/inkorg?status=waiting").get_data(as_text=True)
    assert web not in html and phone not in html


@pytest.mark.parametrize(
    "query",
    [
        "channel=fax",
        "category=abc",
        "category=-5",
        "status=deleted",
        "page=-1",
        "page=abc",
        "page=99999999999999999999",
        "q=%25%27%3B--",
        "q=" + "x" * 500,
        "q=%FF%FE",
    ],
)
def test_inbox_survives_hostile_parameters(app, login_as, org, query):
    make(app)
    response = login_as("agent").get(f"/inkorg?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/inkorg?q=%00", "/sok?q=a%00b", "/inkorg?%00=1", "/ko/x%00y"])
def test_nul_bytes_in_urls_get_a_clear_400(login_as, org, url):
    response = login_as("agent").get(url)
    assert response.status_code == 400
    assert "Begäran kunde inte tolkas" in response.get_data(as_text=True)


def test_inbox_is_paginated(app, login_as, org):
    refs = [make(app, subject=f"Fråga {i}") for i in range(7)]  # PAGE_SIZE is 5 in tests
    client = login_as("agent")
    page1 = client.get("/inkorg").get_data(as_text=True)
    page2 = client.get("/inkorg?page=2").get_data(as_text=True)
    assert all(r in page1 for r in refs[:5]) and refs[5] not in page1
    assert refs[5] in page2 and refs[6] in page2 and refs[0] not in page2
    assert "Sida 1 av 2" in page1
    assert client.get("/inkorg?page=50").status_code == 200


# --- working a kundtjänst ticket ---------------------------------------------


def test_agent_replies_and_resolves_web_question_first_contact(app, login_as, org):
    ref = make(app)
    client = login_as("agent")
    page = client.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Svara medborgaren" in page and "Avsluta ärendet" in page

    response = client.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "Tömning sker på torsdag.",
            **version_field(client, ref, "resolve"),
        },
    )
    assert response.status_code == 302
    ticket = load(app, ref)
    assert ticket.status == Status.RESOLVED
    assert ticket.outcome == Outcome.ANSWERED
    assert ticket.answered_by == GroupKind.FRONTLINE
    assert ticket.first_contact is True
    assert ticket.first_response_at is not None
    assert kinds(app, ref) == ["created", "reply", "resolved"]


def test_two_replies_make_it_not_first_contact(app, login_as, org):
    ref = make(app)
    client = login_as("agent")
    client.post(
        f"/arenden/{ref}/svara",
        data={"reply-body": "Kan du berätta adressen?", **version_field(client, ref, "reply")},
    )
    assert load(app, ref).status == Status.WAITING
    client.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "Tack, nu är det ordnat.",
            **version_field(client, ref, "resolve"),
        },
    )
    ticket = load(app, ref)
    assert ticket.status == Status.RESOLVED and ticket.first_contact is False


def test_internal_note(app, login_as, org):
    ref = make(app)
    client = login_as("agent")
    data = {"note-body": "Ringer tekniska", **version_field(client, ref, "note")}
    assert client.post(f"/arenden/{ref}/anteckning", data=data).status_code == 302
    assert "Ringer tekniska" in client.get(f"/arenden/{ref}").get_data(as_text=True)
    assert kinds(app, ref)[-1] == "note"


def test_empty_reply_is_refused_with_message(app, login_as, org):
    ref = make(app)
    response = login_as("agent").post(f"/arenden/{ref}/svara", data={"reply-body": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Skriv svaret." in html and 'href="#reply-body"' in html
    assert kinds(app, ref) == ["created"]


def test_resolve_with_unknown_outcome_is_refused(app, login_as, org):
    ref = make(app)
    response = login_as("agent").post(
        f"/arenden/{ref}/avsluta", data={"resolve-outcome": "deleted"}
    )
    assert response.status_code == 400
    assert load(app, ref).status == Status.OPEN


def test_resolve_closed_ticket_again_is_refused(app, login_as, org):
    ref = make(app)
    client = login_as("agent")
    client.post(
        f"/arenden/{ref}/avsluta",
        data={"resolve-outcome": "withdrawn", **version_field(client, ref, "resolve")},
    )
    response = client.post(
        f"/arenden/{ref}/avsluta",
        data={"resolve-outcome": "answered", **version_field(client, ref, "resolve")},
    )
    assert response.status_code == 403
    assert load(app, ref).outcome == Outcome.WITHDRAWN


# --- escalation, queue, claim, answer --------------------------------------------


def test_full_escalation_path(app, login_as, org):
    ref = make(app, category_id=org.categories.bygglov, subject="Får jag bygga altan?")
    agent = login_as("agent")
    # The category's default group is pre-selected.
    page = agent.get(f"/arenden/{ref}").get_data(as_text=True)
    assert f'<option selected value="{org.groups.bygg}">' in page

    assert escalate(agent, ref, org.groups.bygg).status_code == 302
    ticket = load(app, ref)
    assert ticket.group_id == org.groups.bygg and ticket.status == Status.OPEN
    assert ref not in agent.get("/inkorg").get_data(as_text=True)
    # Kundtjänst keeps read access to tell a calling citizen where it stands.
    page = agent.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Får jag bygga altan?" in page and "Avsluta ärendet" not in page

    member = login_as("member")
    queue = member.get("/ko/bygglov").get_data(as_text=True)
    assert ref in queue and "Behöver bygglovshandläggare" not in queue
    # Before claiming, the member may not answer.
    assert member.post(f"/arenden/{ref}/svara", data={"reply-body": "Hej"}).status_code == 403

    response = member.post(f"/arenden/{ref}/ta", data={"from_queue": "1"})
    assert response.status_code == 302
    ticket = load(app, ref)
    assert ticket.status == Status.CLAIMED and ticket.claimed_by_id == org.users.member
    assert "Du har tagit" in member.get(f"/arenden/{ref}").get_data(as_text=True)
    assert ref not in member.get("/ko/bygglov").get_data(as_text=True)
    assert ref in member.get("/mina").get_data(as_text=True)

    response = member.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "Ja, upp till 15 kvm utan bygglov.",
            **version_field(member, ref, "resolve"),
        },
    )
    assert response.status_code == 302
    ticket = load(app, ref)
    assert ticket.status == Status.RESOLVED
    assert ticket.answered_by == GroupKind.ANSWER
    assert ticket.first_contact is True  # web question, one reply
    assert kinds(app, ref) == ["created", "escalated", "claimed", "reply", "resolved"]
    assert ref not in member.get("/mina").get_data(as_text=True)


def test_second_claim_gets_a_clear_message(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    login_as("member").post(f"/arenden/{ref}/ta")
    other = login_as("member2")
    response = other.post(f"/arenden/{ref}/ta", data={"from_queue": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/ko/bygglov")
    html = other.get("/ko/bygglov").get_data(as_text=True)
    assert "Någon annan har redan tagit ärendet." in html
    assert load(app, ref).claimed_by_id == org.users.member


def test_release_puts_ticket_back_in_queue(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    assert login_as("member2").post(f"/arenden/{ref}/slapp").status_code == 403
    release = version_field(member, ref, "release")
    assert member.post(f"/arenden/{ref}/slapp", data=release).status_code == 302
    ticket = load(app, ref)
    assert ticket.status == Status.OPEN and ticket.claimed_by_id is None
    assert ref in login_as("member2").get("/ko/bygglov").get_data(as_text=True)


def test_transfer_to_another_group(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    response = member.post(
        f"/arenden/{ref}/overlamna",
        data={
            "transfer-group": str(org.groups.miljo),
            "transfer-note": "Gäller buller",
            **version_field(member, ref, "transfer"),
        },
    )
    assert response.status_code == 302
    ticket = load(app, ref)
    assert ticket.group_id == org.groups.miljo and ticket.claimed_by_id is None
    assert ref in login_as("other").get("/ko/miljo").get_data(as_text=True)
    # The former group no longer reaches it.
    assert member.get(f"/arenden/{ref}").status_code == 404


def test_transfer_to_same_group_is_refused(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    response = member.post(
        f"/arenden/{ref}/overlamna",
        data={"transfer-group": str(org.groups.bygg), **version_field(member, ref, "transfer")},
    )
    assert response.status_code == 400
    assert load(app, ref).group_id == org.groups.bygg


def test_transfer_into_confidential_group_redirects_away(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    response = member.post(
        f"/arenden/{ref}/overlamna",
        data={"transfer-group": str(org.groups.social), **version_field(member, ref, "transfer")},
    )
    assert response.status_code == 302
    assert ref not in response.headers["Location"]
    assert load(app, ref).confidential is True


def test_forwarded_with_diarienummer(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    member.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "forwarded",
            "resolve-diarienummer": "SBN 2026/123",
            **version_field(member, ref, "resolve"),
        },
    )
    ticket = load(app, ref)
    assert ticket.outcome == Outcome.FORWARDED
    assert ticket.diarienummer == "SBN 2026/123"
    assert ticket.first_contact is False


def test_referred_requires_destination(app, login_as, org):
    ref = make(app)
    client = login_as("agent")
    response = client.post(f"/arenden/{ref}/avsluta", data={"resolve-outcome": "referred"})
    assert response.status_code == 400
    client.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "referred",
            "resolve-referred_to": "Försäkringskassan",
            "resolve-reply": "Vänd dig till Försäkringskassan.",
            **version_field(client, ref, "resolve"),
        },
    )
    ticket = load(app, ref)
    assert ticket.outcome == Outcome.REFERRED and ticket.referred_to == "Försäkringskassan"
    assert ticket.first_contact is True


def test_phone_call_passed_live_answered_during_contact(app, login_as, org):
    ref = make(app, channel=Channel.PHONE, status_link=False)
    escalate(login_as("agent"), ref, org.groups.bygg, note="Kopplar samtalet")
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    page = member.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Svaret gavs under medborgarens samtal" in page
    member.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-during_contact": "y",
            **version_field(member, ref, "resolve"),
        },
    )
    ticket = load(app, ref)
    assert ticket.first_contact is True and ticket.answered_by == GroupKind.ANSWER


def test_phone_call_answered_by_call_back_is_not_first_contact(app, login_as, org):
    ref = make(app, channel=Channel.PHONE, status_link=False)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    member.post(
        f"/arenden/{ref}/avsluta",
        data={"resolve-outcome": "answered", **version_field(member, ref, "resolve")},
    )
    assert load(app, ref).first_contact is False


def test_during_contact_is_ignored_for_web_questions(app, login_as, org):
    ref = make(app)
    page = login_as("agent").get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Svaret gavs under medborgarens samtal" not in page
    agent = login_as("agent")
    agent.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-during_contact": "y",
            **version_field(agent, ref, "resolve"),
        },
    )
    assert load(app, ref).first_contact is False  # no reply was sent


def test_agent_cannot_escalate_svarsgrupp_ticket_or_claim(app, login_as, org):
    ref = make(app)
    agent = login_as("agent")
    escalate(agent, ref, org.groups.bygg)
    assert escalate(agent, ref, org.groups.miljo).status_code == 403
    assert agent.post(f"/arenden/{ref}/ta").status_code == 403
    assert agent.post(f"/arenden/{ref}/anteckning", data={"note-body": "x"}).status_code == 403


def test_escalate_to_unknown_group_is_refused(app, login_as, org):
    ref = make(app)
    for value in ["999999", "abc", str(org.groups.kundtjanst), ""]:
        response = escalate(login_as("agent"), ref, value)
        assert response.status_code == 400
    assert load(app, ref).group_id == org.groups.kundtjanst


def test_unknown_reference_is_404(login_as, org):
    client = login_as("agent")
    for ref in ["KT-2026-999999", "nonsense", "KT-99999999999999999999-1", "KT-2026-1"]:
        assert client.get(f"/arenden/{ref}").status_code == 404
        assert client.post(f"/arenden/{ref}/svara", data={"reply-body": "x"}).status_code == 404


def test_routing_rule_priority_is_applied(app, org):
    from kundtjanst.org.models import Group
    from kundtjanst.routing.models import RoutingRule

    with app.app_context():
        db.session.add(
            RoutingRule(
                position=1,
                name="Akut",
                keywords="akut",
                priority="high",
                group=db.session.get(Group, org.groups.miljo),
            )
        )
        db.session.commit()
        ticket, _ = new_ticket(subject="Akut: vattenläcka")
        assert ticket.priority == Priority.HIGH
        assert ticket.group_id == org.groups.miljo


# --- back in play: a reopen, or the citizen's answer -----------------------------


def claimed_by_member(app, org, *, resolved: bool) -> tuple[str, str]:
    """A web question in Bygglov claimed by "member", who replied (and closed it)."""
    with app.app_context():
        ticket, token = new_ticket()
        member = db.session.get(User, org.users.member)
        services.escalate(
            ticket, db.session.get(User, org.users.agent), db.session.get(Group, org.groups.bygg)
        )
        services.claim(ticket, member)
        if resolved:
            services.resolve(ticket, member, Outcome.ANSWERED, reply_body="Ja, det går bra.")
        else:
            services.reply(ticket, member, "Vilken fastighet gäller det?")
        db.session.commit()
        return ticket.reference, token


@pytest.mark.parametrize("resolved", [True, False], ids=["closed", "waiting"])
def test_citizens_answer_goes_back_to_the_member_who_claimed_it(app, client, org, resolved):
    ref, token = claimed_by_member(app, org, resolved=resolved)
    assert client.post(f"/arende/{token}", data={"message": "En sak till."}).status_code == 302
    ticket = load(app, ref)
    assert ticket.status == Status.CLAIMED and ticket.claimed_by_id == org.users.member


@pytest.mark.parametrize("resolved", [True, False], ids=["closed", "waiting"])
@pytest.mark.parametrize("gone", ["deactivated", "left the group"])
def test_citizens_answer_goes_to_the_queue_when_the_claimant_is_gone(
    app, client, login_as, org, resolved, gone
):
    """Nobody could work a ticket claimed by someone no longer in its group."""
    ref, token = claimed_by_member(app, org, resolved=resolved)
    with app.app_context():
        member = db.session.get(User, org.users.member)
        if gone == "deactivated":
            member.active = False
        else:
            member.groups = []
        db.session.commit()
    assert client.post(f"/arende/{token}", data={"message": "En sak till."}).status_code == 302
    ticket = load(app, ref)
    assert ticket.status == Status.OPEN and ticket.claimed_by_id is None
    colleague = login_as("member2")
    assert ref in colleague.get("/ko/bygglov").get_data(as_text=True)
    assert colleague.post(f"/arenden/{ref}/ta").status_code == 302
    assert load(app, ref).claimed_by_id == org.users.member2


def test_claiming_again_says_it_is_yours_already(app, login_as, org):
    ref = make(app)
    escalate(login_as("agent"), ref, org.groups.bygg)
    member = login_as("member")
    member.post(f"/arenden/{ref}/ta")
    response = member.post(f"/arenden/{ref}/ta", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Du har redan tagit ärendet." in html and "Någon annan" not in html


def test_claiming_a_closed_ticket_says_it_is_closed(app, login_as, org):
    ref, _token = claimed_by_member(app, org, resolved=True)
    response = login_as("member2").post(f"/arenden/{ref}/ta", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Ärendet är avslutat." in html and "Någon annan" not in html
    assert load(app, ref).claimed_by_id == org.users.member


def test_resolve_keeps_only_what_belongs_to_the_outcome(app, login_as, org):
    """The resolve form has a field for the diarienummer and one for where the citizen
    was referred; what is left in them from another choice is not stored."""
    ref = make(app)
    client = login_as("agent")
    client.post(
        f"/arenden/{ref}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "Tömning sker på torsdag.",
            "resolve-referred_to": "Skatteverket",
            "resolve-diarienummer": "KS 2026/1",
            **version_field(client, ref, "resolve"),
        },
    )
    ticket = load(app, ref)
    assert ticket.outcome == Outcome.ANSWERED
    assert ticket.referred_to is None and ticket.diarienummer is None
    page = client.get(f"/arenden/{ref}").get_data(as_text=True)
    assert "Skatteverket" not in page and "KS 2026/1" not in page


def test_kundtjanst_ticket_page_has_no_claim_row(app, login_as, org):
    ref = make(app)
    agent = login_as("agent")
    assert "Tagen av" not in agent.get(f"/arenden/{ref}").get_data(as_text=True)
    escalate(agent, ref, org.groups.bygg)
    assert "Tagen av" in agent.get(f"/arenden/{ref}").get_data(as_text=True)


# --- the database work behind a list ----------------------------------------------


def statements_for(app, client, url: str) -> int:
    """How many SQL statements answering ``url`` takes."""
    seen = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize(
    ("url", "who"),
    [
        ("/inkorg", "agent"),
        ("/ko/bygglov", "member"),
        ("/mina", "member"),
        ("/sok?q=Fr%C3%A5ga", "agent"),
        ("/sok?q=Fr%C3%A5ga", "manager"),
    ],
)
def test_a_full_page_of_tickets_takes_no_more_queries_than_one(app, login_as, org, url, who):
    """Subject area, group and claimant come with the rows, never one query per row."""
    client = login_as(who)

    def add_tickets(count: int) -> None:
        with app.app_context():
            agent = db.session.get(User, org.users.agent)
            member = db.session.get(User, org.users.member)
            bygg = db.session.get(Group, org.groups.bygg)
            for i in range(count):
                category = (org.categories.avfall, org.categories.bygglov)[i % 2]
                for place in ("inbox", "queue", "mine"):
                    ticket, _ = new_ticket(subject=f"Fråga {place} {i}", category_id=category)
                    if place != "inbox":
                        services.escalate(ticket, agent, bygg)
                    if place == "mine":
                        services.claim(ticket, member)
            db.session.commit()

    add_tickets(1)
    client.get(url)  # the first request of a client loads what every later one reuses
    one = statements_for(app, client, url)
    add_tickets(4)  # a full page (PAGE_SIZE is 5 in tests)
    assert statements_for(app, client, url) == one


# --- opening a closed ticket again ---------------------------------------------------


def test_a_member_of_the_closing_group_opens_a_ticket_again(app, login_as, org):
    reference = make(app)
    agent = login_as("agent")
    agent.post(
        f"/arenden/{reference}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "Svar.",
            **version_field(agent, reference, "resolve"),
        },
    )
    assert load(app, reference).first_contact is True
    page = agent.get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Öppna ärendet igen" in page

    response = agent.post(
        f"/arenden/{reference}/oppna-igen",
        data={
            "reopen-reason": "Medborgaren ringde: svaret räckte inte.",
            **version_field(agent, reference, "reopen"),
        },
    )
    assert response.status_code == 302
    ticket = load(app, reference)
    assert ticket.status == Status.OPEN and ticket.first_contact is None
    assert ticket.reopen_count == 1
    assert kinds(app, reference)[-1] == "reopened"
    assert "Medborgaren ringde" in agent.get(f"/arenden/{reference}").get_data(as_text=True)


@pytest.mark.parametrize("who", ["member", "manager", "admin"])
def test_only_the_closing_group_may_open_a_ticket_again(app, login_as, org, who):
    reference = make(app)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        services.resolve(ticket, db.session.get(User, org.users.agent), Outcome.ANSWERED)
        db.session.commit()
    client = login_as(who)
    assert "Öppna ärendet igen" not in client.get(f"/arenden/{reference}").get_data(as_text=True)
    response = client.post(
        f"/arenden/{reference}/oppna-igen", data=version_field(client, reference, "reopen")
    )
    assert response.status_code in (403, 404)
    assert load(app, reference).status == Status.RESOLVED


def test_an_open_ticket_is_not_opened_again(app, login_as, org):
    reference = make(app)
    agent = login_as("agent")
    assert "Öppna ärendet igen" not in agent.get(f"/arenden/{reference}").get_data(as_text=True)
    response = agent.post(
        f"/arenden/{reference}/oppna-igen", data=version_field(agent, reference, "reopen")
    )
    assert response.status_code == 403
    assert kinds(app, reference) == ["created"]
