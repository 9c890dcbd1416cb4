"""Knowledge in the work: the panel on the ticket page and on "Ny kontakt" — suggested
articles, a search, answer templates, inserted without JavaScript (the form comes
back filled, nothing saved), placeholders that block sending, and the uses recorded
with the reply."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.core.vocabulary import Channel, EventKind, Outcome, Status
from kundtjanst.extensions import db
from kundtjanst.kb import services as kb
from kundtjanst.kb.models import (
    AnswerTemplate,
    Article,
    ArticleState,
    KnowledgeUse,
    SearchMiss,
    Visibility,
)
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets.models import Event, Ticket

from .factories import new_ticket, version_field

SOPOR = "Sopkärlet töms varannan vecka. Ring kundtjänst om det inte tömts."


def add_article(
    org,
    title: str,
    summary: str,
    *,
    group: str = "miljo",
    category: str = "avfall",
    state: ArticleState = ArticleState.PUBLISHED,
    visibility: Visibility = Visibility.INTERNAL,
    for_frontline: bool = False,
    body: str = "",
) -> int:
    fields = kb.ArticleFields(
        title=title,
        summary=summary,
        body=body or summary,
        group=db.session.get(Group, getattr(org.groups, group)),
        categories=[db.session.get(Category, getattr(org.categories, category))],
        visibility=visibility,
        state=state,
        for_frontline=for_frontline,
    )
    article = kb.create_article(None, fields)
    db.session.commit()
    return article.id


def add_template(org, name: str, body: str, *, owner: str | None = None, group=None) -> int:
    actor = db.session.get(User, getattr(org.users, owner or "agent"))
    shared = db.session.get(Group, getattr(org.groups, group)) if group else None
    template = kb.save_template(None, actor, name=name, body=body, group=shared)
    db.session.commit()
    return template.id


@pytest.fixture
def knowledge(app, org):
    """Articles and templates in the test municipality, by name → id."""
    with app.app_context():
        ids = {
            "sopor": add_article(org, "Hämtning av sopor", SOPOR),
            "bygglov": add_article(
                org, "Bygglov för altan", "En altan kräver sällan bygglov.", category="bygglov"
            ),
            "draft": add_article(org, "Sopor utkast", "Ännu inte klart.", state=ArticleState.DRAFT),
            "secret": add_article(
                org, "Sopor och bistånd", "Hemligt om sopor.", group="social", category="avfall"
            ),
            "shared": add_article(
                org,
                "Sopor för kundtjänst",
                "Sopor delat med kundtjänst.",
                group="social",
                for_frontline=True,
            ),
            "hello": add_template(
                org, "Hälsning", "Hej {namn}! Ärende {ärendenummer}. /{handläggare}, {kommun}"
            ),
            "mine_other": add_template(org, "Annans mall", "Privat text", owner="agent2"),
            "shared_tpl": add_template(org, "Tack", "Tack för din fråga.", group="kundtjanst"),
        }
    return ids


def make_ticket(app, **kw) -> str:
    kw.setdefault("subject", "Sopor har inte hämtats")
    with app.app_context():
        ticket, _ = new_ticket(**kw)
        return ticket.reference


def ticket_row(app, reference: str) -> Ticket:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        db.session.expunge(ticket)
        return ticket


def uses(app) -> list[tuple]:
    with app.app_context():
        return [
            (u.ticket_id, u.article_id, u.template_id, u.user_id, u.event_id)
            for u in db.session.scalars(select(KnowledgeUse).order_by(KnowledgeUse.id))
        ]


def textarea(html: str, field_id: str) -> str:
    match = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, f"no textarea {field_id}"
    return unescape(match.group(1)).strip()


def hidden(html: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)
    assert match, f"no field {field_id}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def reply_post(client, reference, **extra) -> dict:
    return {"reply-body": "", **version_field(client, reference, "reply"), **extra}


def send_reply(client, reference: str, fields: dict):
    """The reply form sent, with the version the page shows now."""
    return client.post(f"/arenden/{reference}/svara", data=reply_post(client, reference, **fields))


def set_name(app, reference: str, name: str | None) -> None:
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        ticket.citizen_name = name
        db.session.commit()


# --- the ticket page ---------------------------------------------------------------


def test_panel_suggests_readable_articles_only(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    html = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Hämtning av sopor" in html
    assert "Sopor för kundtjänst" in html  # the confidential group shares it
    assert "Sopor och bistånd" not in html  # the confidential group's own
    assert "Sopor utkast" not in html  # drafts are not used in answers
    assert "Annans mall" not in html  # someone else's personal template
    assert "Hälsning" in html and "Tack" in html
    social_html = login_as("social").get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Sopor och bistånd" not in social_html  # not theirs to work: no panel at all


def test_insert_article_without_javascript(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    before = ticket_row(app, reference).version
    client = login_as("agent")
    response = send_reply(
        client, reference, {"reply-body": "Hej!", "kb-insert-article": str(knowledge["sopor"])}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert textarea(html, "reply-body") == f"Hej!\n\n{SOPOR}"
    assert hidden(html, "reply-used_articles") == str(knowledge["sopor"])
    after = ticket_row(app, reference)
    assert after.version == before and after.status == Status.OPEN
    assert uses(app) == []
    assert hidden(html, "reply-version") == str(before)


def test_insert_template_fills_placeholders_from_the_ticket(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    set_name(app, reference, "Karin Ek")
    client = login_as("agent")
    response = client.post(
        f"/arenden/{reference}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": "",
            "resolve-used_articles": "",
            "kb-insert-template": str(knowledge["hello"]),
            **version_field(client, reference, "resolve"),
        },
    )
    assert response.status_code == 200
    text = textarea(response.get_data(as_text=True), "resolve-reply")
    assert text == f"Hej Karin Ek! Ärende {reference}. /Anna Agent, Sjöstads kommun"
    assert ticket_row(app, reference).status == Status.OPEN


def test_anonymous_ticket_name_blocks_sending(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    client = login_as("agent")
    response = send_reply(client, reference, {"kb-insert-template": str(knowledge["hello"])})
    text = textarea(response.get_data(as_text=True), "reply-body")
    assert text.startswith("Hej {namn}!") and reference in text
    sent = send_reply(
        client, reference, {"reply-body": text, "reply-used_templates": str(knowledge["hello"])}
    )
    assert sent.status_code == 400
    assert "Fyll i {namn} innan du skickar" in unescape(sent.get_data(as_text=True))
    assert ticket_row(app, reference).status == Status.OPEN
    assert uses(app) == []


@pytest.mark.parametrize(
    ("written", "named"),
    [
        ("Hej {NAMN}", "{NAMN}"),
        ("Länk: {statuslänk}", "{statuslänk}"),
        ("{Kommun}, {namn}", "{namn}"),
    ],
)
def test_every_unfillable_placeholder_blocks_in_any_case(app, login_as, org, written, named):
    reference = make_ticket(app)
    client = login_as("agent")
    response = send_reply(client, reference, {"reply-body": written})
    assert response.status_code == 400
    message = re.search(r"Fyll i (.*?) innan du skickar", unescape(response.get_data(as_text=True)))
    assert message and message.group(1) == named  # {kommun} is filled, so not named
    assert ticket_row(app, reference).status == Status.OPEN


def test_filled_placeholders_are_sent_filled(app, login_as, org):
    reference = make_ticket(app)
    client = login_as("agent")
    response = send_reply(
        client, reference, {"reply-body": "Hälsningar {handläggare}, {kommun}. {okänd}"}
    )
    assert response.status_code == 302
    with app.app_context():
        body = db.session.scalar(select(Event.body).where(Event.kind == EventKind.REPLY))
    assert body == "Hälsningar Anna Agent, Sjöstads kommun. {okänd}"


def test_reply_records_the_uses(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    client = login_as("agent")
    used = f"{knowledge['sopor']},{knowledge['sopor']}"
    response = send_reply(
        client,
        reference,
        {
            "reply-body": SOPOR,
            "reply-used_articles": used,
            "reply-used_templates": str(knowledge["shared_tpl"]),
        },
    )
    assert response.status_code == 302
    ticket = ticket_row(app, reference)
    with app.app_context():
        reply_id = db.session.scalar(select(Event.id).where(Event.kind == EventKind.REPLY))
    assert uses(app) == [
        (ticket.id, knowledge["sopor"], None, org.users.agent, reply_id),
        (ticket.id, None, knowledge["shared_tpl"], org.users.agent, reply_id),
    ]
    html = client.get(f"/arenden/{reference}").get_data(as_text=True)
    assert "Använt i svaren på ärendet" in html


def test_close_with_answer_records_the_article(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    client = login_as("agent")
    response = client.post(
        f"/arenden/{reference}/avsluta",
        data={
            "resolve-outcome": "answered",
            "resolve-reply": SOPOR,
            "resolve-used_articles": str(knowledge["sopor"]),
            **version_field(client, reference, "resolve"),
        },
    )
    assert response.status_code == 302
    assert [(a, t) for _tid, a, t, _u, _e in uses(app)] == [(knowledge["sopor"], None)]


@pytest.mark.parametrize(
    "forged",
    ["secret", "draft", "mine_other", "abc", "-1", "9" * 40, "1e3", "0x10", "", " 3"],
)
def test_forged_ids_are_refused_without_error(app, login_as, org, knowledge, forged):
    reference = make_ticket(app, category_id=org.categories.avfall)
    client = login_as("agent")
    value = str(knowledge[forged]) if forged in knowledge else forged
    name = "kb-insert-template" if forged == "mine_other" else "kb-insert-article"
    response = send_reply(client, reference, {"reply-body": "Hej", name: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert textarea(html, "reply-body") == "Hej"
    assert "kan inte infogas" in html
    assert ticket_row(app, reference).status == Status.OPEN
    # The same ids smuggled into the used fields are dropped when the reply is sent.
    field = "reply-used_templates" if forged == "mine_other" else "reply-used_articles"
    sent = send_reply(client, reference, {"reply-body": "Hej", field: f"{value},x,{value}"})
    assert sent.status_code == 302
    assert uses(app) == []


def test_insert_on_an_older_version_is_refused_like_any_form(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    client = login_as("agent")
    stale = version_field(client, reference, "reply")
    login_as("agent2").post(
        f"/arenden/{reference}/anteckning",
        data={"note-body": "Ringde", **version_field(client, reference, "note")},
    )
    response = client.post(
        f"/arenden/{reference}/svara",
        data={"reply-body": "Mitt utkast", **stale, "kb-insert-article": str(knowledge["sopor"])},
    )
    assert response.status_code == 409
    assert "Mitt utkast" in response.get_data(as_text=True)


def test_insert_without_version_is_refused(app, login_as, org, knowledge):
    reference = make_ticket(app)
    response = login_as("agent").post(
        f"/arenden/{reference}/svara",
        data={"reply-body": "x", "kb-insert-article": str(knowledge["sopor"])},
    )
    assert response.status_code == 400


def test_insert_by_someone_who_may_not_reply(app, login_as, org, knowledge):
    reference = make_ticket(app)
    client = login_as("other")  # a svarsgrupp member; the ticket is kundtjänst's
    response = send_reply(client, reference, {"kb-insert-article": str(knowledge["sopor"])})
    assert response.status_code in (403, 404)


def test_search_in_the_panel_keeps_the_reply(app, login_as, org, knowledge):
    reference = make_ticket(
        app, subject="Fråga", description="", category_id=org.categories.bygglov
    )
    client = login_as("agent")
    response = send_reply(
        client,
        reference,
        {"reply-body": "Påbörjat svar", "kb-q": "hämtning sopor", "kb-search": "1"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert textarea(html, "reply-body") == "Påbörjat svar"
    assert "Hämtning av sopor" in html and "Bygglov för altan" not in html
    assert "Sopor och bistånd" not in html


# --- Ny kontakt ----------------------------------------------------------------------


def contact(org, **overrides):
    data = {
        "channel": "phone",
        "category": str(org.categories.avfall),
        "subject": "Sopor",
        "notes": "",
        "action": "answered",
        "name": "",
        "email": "",
        "phone": "",
        "answer": "",
        "referred_to": "",
        "group": "",
        "handoff_note": "",
    }
    data.update(overrides)
    return data


def test_new_contact_two_words_insert_and_finish_in_one_submit(app, login_as, org, knowledge):
    client = login_as("agent")
    searched = client.post(
        "/ny-kontakt", data=contact(org, **{"kb-q": "hämtning sopor", "kb-search": "1"})
    )
    assert searched.status_code == 200
    html = searched.get_data(as_text=True)
    assert "Hämtning av sopor" in html
    assert f'name="kb-insert-article" value="{knowledge["sopor"]}"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    inserted = client.post(
        "/ny-kontakt", data=contact(org, **{"kb-insert-article": str(knowledge["sopor"])})
    )
    html = inserted.get_data(as_text=True)
    assert textarea(html, "answer") == SOPOR
    assert hidden(html, "used_articles") == str(knowledge["sopor"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    done = client.post(
        "/ny-kontakt",
        data=contact(org, answer=SOPOR, used_articles=str(knowledge["sopor"])),
    )
    assert done.status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.status == Status.RESOLVED and ticket.outcome == Outcome.ANSWERED
        assert ticket.first_contact is True and ticket.channel == Channel.PHONE
        reply = db.session.scalar(select(Event).where(Event.kind == EventKind.REPLY))
        assert reply.body == SOPOR
        ticket_id = ticket.id
    assert uses(app) == [(ticket_id, knowledge["sopor"], None, org.users.agent, reply.id)]


def test_new_contact_template_name_from_the_form_and_reference_later(app, login_as, org, knowledge):
    client = login_as("agent")
    inserted = client.post(
        "/ny-kontakt", data=contact(org, **{"kb-insert-template": str(knowledge["hello"])})
    )
    text = textarea(inserted.get_data(as_text=True), "answer")
    assert text == "Hej {namn}! Ärende {ärendenummer}. /Anna Agent, Sjöstads kommun"
    blocked = client.post("/ny-kontakt", data=contact(org, answer=text))
    assert blocked.status_code == 400
    assert "Fyll i {namn} innan du skickar" in unescape(blocked.get_data(as_text=True))
    done = client.post("/ny-kontakt", data=contact(org, answer=text, name="Olle"))
    assert done.status_code == 302
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        body = db.session.scalar(select(Event.body).where(Event.kind == EventKind.REPLY))
    assert body == f"Hej Olle! Ärende {ticket.reference}. /Anna Agent, Sjöstads kommun"


def test_new_contact_answer_only_when_answering(app, login_as, org):
    response = login_as("agent").post(
        "/ny-kontakt", data=contact(org, action="open", answer="Svar")
    )
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize("value", ["abc", "9" * 50, "-3", "secret", "mine_other"])
def test_new_contact_forged_inserts(app, login_as, org, knowledge, value):
    kinds = {"secret": ["article"], "mine_other": ["template"]}.get(value, ["article", "template"])
    value = str(knowledge[value]) if value in knowledge else value
    client = login_as("agent")
    for kind in kinds:
        response = client.post(
            "/ny-kontakt", data=contact(org, answer="Eget", **{f"kb-insert-{kind}": value})
        )
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert textarea(html, "answer") == "Eget"
        assert "kan inte infogas" in html
    used = {f"used_{kind}s": f"{value},x" for kind in kinds}
    done = client.post("/ny-kontakt", data=contact(org, answer="Eget", **used))
    assert done.status_code == 302
    assert uses(app) == []


def test_new_contact_page_without_question_suggests_nothing(app, login_as, org, knowledge):
    html = login_as("agent").get("/ny-kontakt").get_data(as_text=True)
    assert "Hämtning av sopor" not in html
    assert "Hälsning" in html  # the templates are there from the start


def test_used_list_names_only_what_the_reader_may_see(app, login_as, org, knowledge):
    reference = make_ticket(app, category_id=org.categories.avfall)
    with app.app_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
        kb.record_uses(
            ticket,
            db.session.get(User, org.users.agent2),
            articles=[
                db.session.get(Article, knowledge["sopor"]),
                db.session.get(Article, knowledge["secret"]),
            ],
            templates=[db.session.get(AnswerTemplate, knowledge["mine_other"])],
        )
        db.session.commit()
    html = login_as("agent").get(f"/arenden/{reference}").get_data(as_text=True)
    used = html.split("Använt i svaren på ärendet", 1)[1].split("</ul>", 1)[0]
    assert "Hämtning av sopor" in used
    assert "Sopor och bistånd" not in used  # the confidential group's own article
    assert "Annans mall" not in used  # agent2's personal template
    assert "Annans mall" in login_as("agent2").get(f"/arenden/{reference}").get_data(as_text=True)


def test_new_contact_search_without_hits_is_kept_for_the_gap_report(app, login_as, org):
    client = login_as("agent")
    response = client.post(
        "/ny-kontakt",
        data=contact(org, **{"kb-q": "parkeringstillstånd 19121212-1212", "kb-search": "1"}),
    )
    assert response.status_code == 200
    assert "Ingen artikel matchade" in response.get_data(as_text=True)
    with app.app_context():
        assert list(db.session.scalars(select(SearchMiss.terms))) == ["parkeringstillstånd"]
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize(
    "query",
    ["x" * 1_000_000, "\x00\x01 sopor", "<script>alert(1)</script>", "%_%", "' OR 1=1 --", "   "],
)
def test_hostile_searches_in_the_panel(app, login_as, org, knowledge, query):
    reference = make_ticket(app, category_id=org.categories.avfall)
    client = login_as("agent")
    response = send_reply(
        client, reference, {"reply-body": "Utkast", "kb-q": query, "kb-search": "1"}
    )
    assert response.status_code in (200, 400, 413)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    if response.status_code == 200:
        assert textarea(html, "reply-body") == "Utkast"
    on_new_contact = client.post(
        "/ny-kontakt", data=contact(org, **{"kb-q": query, "kb-search": "1"})
    )
    assert on_new_contact.status_code in (200, 400, 413)
    with app.app_context():
        assert all(len(t) <= 200 for t in db.session.scalars(select(SearchMiss.terms)))
        assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1
