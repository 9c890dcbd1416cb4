"""Questions and answers for citizens: /fragor-och-svar (listing by subject area,
search, an article's page) and the step on /fraga that offers public answers before
a question becomes a ticket ("I found the answer" / "Send my question anyway")."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.intake.models import Receipt
from kundtjanst.kb import services
from kundtjanst.kb.models import (
    ArticleState,
    SearchMiss,
    SearchScope,
    SelfServiceAnswer,
    Visibility,
)
from kundtjanst.org.models import Category, Group
from kundtjanst.tickets.models import Ticket

from .test_intake import question

PUBLISHED, DRAFT, ARCHIVED = ArticleState.PUBLISHED, ArticleState.DRAFT, ArticleState.ARCHIVED
PUBLIC, INTERNAL = Visibility.PUBLIC, Visibility.INTERNAL


def article(
    org,
    title,
    summary,
    body="",
    *,
    area="avfall",
    group="miljo",
    state=PUBLISHED,
    visibility=PUBLIC,
    areas=None,
) -> int:
    """An article made through the service, as a member of its group; its id."""
    owner = {"miljo": org.users.other, "bygg": org.users.member, "social": org.users.social}
    actor = db.session.get(User, owner[group])
    names = areas if areas is not None else [area]
    made = services.create_article(
        actor,
        services.ArticleFields(
            title=title,
            summary=summary,
            body=body,
            group=db.session.get(Group, getattr(org.groups, group)),
            categories=[db.session.get(Category, getattr(org.categories, n)) for n in names],
            visibility=visibility,
            state=state,
        ),
    )
    db.session.commit()
    return made.id


@pytest.fixture
def kb(app, org):
    """Public answers about waste and building permits, and some that must never show."""
    with app.app_context():
        ids = {
            "bin": article(
                org,
                "Soptunnan har inte tömts",
                "Anmäl en missad tömning till renhållningen, så kommer de inom två dagar.",
                "## Missad tömning\n\nRing **renhållningen** eller anmäl på webben.",
            ),
            "schedule": article(
                org, "Hämtningsdagar för sopor", "Soptunnan töms varannan vecka, på tisdagar."
            ),
            "bulky": article(org, "Grovsopor", "Lämna grovsopor på återvinningscentralen."),
            "tunna": article(org, "Byta storlek på soptunna", "Beställ en ny soptunna."),
            "permit": article(
                org,
                "Bygglov för altan",
                "En altan högre än 1,8 meter kräver bygglov.",
                area="bygglov",
                group="bygg",
            ),
            "draft": article(org, "Soptunnan utkast hemlig", "Utkast om soptunnan.", state=DRAFT),
            "internal": article(
                org, "Soptunnan intern rutin", "Intern rutin om soptunnan.", visibility=INTERNAL
            ),
            "archived": article(
                org, "Soptunnan arkiverad", "Gammalt svar om soptunnan.", state=ARCHIVED
            ),
            "secret": article(
                org,
                "Soptunnan socialtjänsten",
                "Konfidentiell soptunnan.",
                area="bistand",
                group="social",
                visibility=INTERNAL,
            ),
        }
    return ids


HIDDEN = ("draft", "internal", "archived", "secret")
HIDDEN_TITLES = (
    "Soptunnan utkast hemlig",
    "Soptunnan intern rutin",
    "Soptunnan arkiverad",
    "Soptunnan socialtjänsten",
)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


# --- /fragor-och-svar -------------------------------------------------------------------


def test_lists_public_answers_by_subject_area(client, kb):
    html = page(client, "/fragor-och-svar")
    sections = re.findall(r'<h2 id="area-\d+">([^<]+)</h2>', html)
    assert sections == ["Avfall", "Bygglov"]
    avfall = html[html.index(">Avfall</h2>") : html.index(">Bygglov</h2>")]
    titles = re.findall(r'href="/fragor-och-svar/\d+">([^<]+)</a>', avfall)
    assert titles == [
        "Byta storlek på soptunna",
        "Grovsopor",
        "Hämtningsdagar för sopor",
        "Soptunnan har inte tömts",
    ]
    assert "Bygglov för altan" in html[html.index(">Bygglov</h2>") :]
    for title in HIDDEN_TITLES:
        assert title not in html


def test_one_subject_area(client, kb, org):
    html = page(client, f"/fragor-och-svar?category={org.categories.bygglov}")
    assert "Bygglov för altan" in html and "Grovsopor" not in html
    # "Ask your question" starts in that subject area.
    assert f'href="/fraga?category={org.categories.bygglov}"' in html
    empty = page(client, f"/fragor-och-svar?category={org.categories.bistand}")
    assert 'id="no-answers"' in empty and "Soptunnan socialtjänsten" not in empty


def test_search_finds_and_highlights(app, client, kb):
    html = page(client, "/fragor-och-svar?q=grovsopor")
    hits = html[html.index('id="hits"') :]
    assert re.findall(r'href="/fragor-och-svar/(\d+)"', hits)[0] == str(kb["bulky"])
    assert "Lämna <mark>grovsopor</mark> på återvinningscentralen." in hits
    assert count(app, SearchMiss) == 0


def test_search_never_finds_what_is_not_public(client, kb):
    html = page(client, "/fragor-och-svar?q=soptunnan")
    for title in HIDDEN_TITLES:
        assert title not in html
    found = re.findall(r'<h3><a href="/fragor-och-svar/(\d+)">', html)
    assert found and set(found) <= {str(kb[k]) for k in ("bin", "schedule", "tunna")}


@pytest.mark.parametrize("name", HIDDEN)
def test_articles_not_public_and_published_are_404(client, kb, name):
    assert client.get(f"/fragor-och-svar/{kb[name]}").status_code == 404


def test_unknown_and_huge_ids_are_404(client, kb):
    for path in ("999999", str(2**31), str(2**70)):
        assert client.get(f"/fragor-och-svar/{path}").status_code == 404


def test_article_page(client, kb, org):
    html = page(client, f"/fragor-och-svar/{kb['bin']}")
    assert '<h1 id="article-title">Soptunnan har inte tömts</h1>' in html
    assert "Anmäl en missad tömning" in html  # the short answer
    # The text's ## heading sits right under the page's h1: no level skipped.
    assert "<h2>Missad tömning</h2>" in html and "<strong>renhållningen</strong>" in html
    assert "Senast uppdaterad" in html and re.search(r'<time datetime="\d{4}-\d\d-\d\d">', html)
    assert f'href="/fragor-och-svar?category={org.categories.avfall}">Avfall</a>' in html
    assert f'id="ask-link" href="/fraga?category={org.categories.avfall}"' in html


def test_the_question_form_starts_in_the_subject_area_given(client, org):
    html = page(client, f"/fraga?category={org.categories.bygglov}")
    assert re.search(rf'<option selected value="{org.categories.bygglov}">', html) or re.search(
        rf'<option value="{org.categories.bygglov}" selected>', html
    )
    for bad in ("999999", "-1", "x", "\u2028", str(2**70)):
        html = page(client, f"/fraga?category={bad}")
        assert not re.search(r'<option selected value="\d', html), bad


def test_a_search_that_finds_nothing_keeps_words_only(app, client, kb, org):
    query = "19850101-1234 eva.svensson@example.org fjärrvärme kostnad"
    html = page(client, f"/fragor-och-svar?q={query}&category={org.categories.avfall}")
    assert 'id="no-hits"' in html
    with app.app_context():
        misses = db.session.scalars(select(SearchMiss)).all()
        assert [(m.terms, m.scope, m.category_id) for m in misses] == [
            ("fjärrvärme kostnad", SearchScope.PUBLIC, org.categories.avfall)
        ]


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "soptunna " * 200,
        "q=a%00b",
        "q=a%0D%0Ab",
        "q=%E2%80%AEsop",
        "category=-1",
        "category=99999999999999999999",
        "category=x",
        "q=%3Cscript%3Ealert(1)%3C/script%3E",
        "q=%25%25_",
    ],
)
def test_hostile_search_parameters(app, client, kb, query):
    response = client.get(f"/fragor-och-svar?{query}")
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    if response.status_code == 400:
        assert 'class="error-summary"' in html or "Begäran kunde inte tolkas" in html
    assert count(app, SearchMiss) <= 1


def test_the_start_page_and_the_footer_lead_here(client):
    assert 'href="/fragor-och-svar"' in page(client, "/")
    assert 'href="/fragor-och-svar"' in page(client, "/tillganglighet")


# --- the step on /fraga -------------------------------------------------------------------


def bin_question(org, **overrides):
    return question(
        org,
        subject="Soptunnan har inte tömts",
        question="Vår soptunna tömdes inte i tisdags.\nVad gör jag nu?",
        **overrides,
    )


def offered(html: str) -> list[str]:
    return re.findall(r'<h2 id="answer-(\d+)">', html)


def test_the_step_offers_at_most_three_public_answers(app, client, kb, org):
    response = client.post("/fraga", data=bin_question(org))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = offered(html)
    assert 1 <= len(shown) <= 3 and str(kb["bin"]) in shown
    assert set(shown) <= {str(kb[k]) for k in ("bin", "schedule", "bulky", "tunna")}
    for title in HIDDEN_TITLES:
        assert title not in html
    assert f'href="/fragor-och-svar/{kb["bin"]}"' in html
    assert count(app, Ticket) == 0 and count(app, Receipt) == 0


def test_no_answers_in_another_subject_area(app, client, kb, org):
    response = client.post("/fraga", data=bin_question(org, category=str(org.categories.bistand)))
    assert response.status_code == 302 and count(app, Ticket) == 1


def test_found_the_answer_records_a_self_service_answer_and_nothing_else(app, client, kb, org):
    html = client.post("/fraga", data=bin_question(org)).get_data(as_text=True)
    form = html[html.index(f'<h2 id="answer-{kb["bin"]}">') :]
    form = form[form.index("<form") : form.index("</form>")]
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    assert set(fields) == {"csrf_token", "article", "category"}  # nothing the citizen wrote
    response = client.post("/fraga/svaret-fanns", data=fields)
    assert response.status_code == 302
    thanks = page(client, response.location)
    assert "Bra att du hittade svaret" in thanks
    assert count(app, Ticket) == 0 and count(app, Receipt) == 0
    with app.app_context():
        answers = db.session.scalars(select(SelfServiceAnswer)).all()
        assert [(a.article_id, a.category_id) for a in answers] == [
            (kb["bin"], org.categories.avfall)
        ]
        # No personal data anywhere in the knowledge base's tables.
        for row in (*answers, *db.session.scalars(select(SearchMiss))):
            assert "Eva" not in repr(vars(row)) and "eva@example.org" not in repr(vars(row))


@pytest.mark.parametrize(
    "data",
    [
        {"article": "{draft}", "category": "{avfall}"},
        {"article": "{internal}", "category": "{avfall}"},
        {"article": "{archived}", "category": "{avfall}"},
        {"article": "999999", "category": "{avfall}"},
        {"article": str(2**70), "category": "{avfall}"},
        {"article": "x\x00", "category": "{avfall}"},
        {"article": "{bin}", "category": "999999"},
        {"article": "{bin}", "category": ""},
        {"article": "{bin}"},
        {},
    ],
)
def test_found_the_answer_refuses_anything_else(app, client, kb, org, data):
    values = {**kb, "avfall": org.categories.avfall}
    body = {k: v.format(**values) for k, v in data.items()}
    response = client.post("/fraga/svaret-fanns", data=body)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert count(app, SelfServiceAnswer) == 0


def test_send_anyway_creates_one_ticket_with_everything_kept(app, client, kb, org):
    html = client.post("/fraga", data=bin_question(org)).get_data(as_text=True)
    form = html[html.index('id="send-anyway"') :]
    form = form[: form.index("</form>")]
    fields = {k: unescape(v) for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', form)}
    expected = bin_question(org)
    for key, value in expected.items():
        assert fields[key] == value, key
    assert fields["anyway"] == "1" and fields["website"] == ""
    first = client.post("/fraga", data=fields)
    assert first.status_code == 302 and first.location.endswith("/fraga/skickad")
    again = client.post("/fraga", data=fields)  # the same form twice: one ticket
    assert again.status_code == 302
    assert count(app, Ticket) == 1 and count(app, SelfServiceAnswer) == 0
    with app.app_context():
        ticket = db.session.scalar(select(Ticket))
        assert ticket.subject == expected["subject"]
        assert ticket.description == expected["question"]
        assert ticket.category_id == org.categories.avfall
        assert (ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone) == (
            "Eva Medborgare",
            "eva@example.org",
            "070-123 45 67",
        )
        receipt = db.session.scalar(select(Receipt))
        assert receipt.submission == fields["submission"] and receipt.ticket_id == ticket.id


def test_a_form_sent_before_gets_its_receipt_not_the_step(app, client, kb, org):
    """A replay of the first post after "send anyway" made the ticket: its receipt."""
    data = bin_question(org, submission="s" * 43, anyway="1")
    assert client.post("/fraga", data=data).status_code == 302
    data.pop("anyway")
    assert client.post("/fraga", data=data).status_code == 302
    assert count(app, Ticket) == 1


def test_no_step_without_matching_answers(app, client, kb, org):
    data = question(org, subject="Parkeringstillstånd", question="Hur ansöker jag om det?")
    assert client.post("/fraga", data=data).status_code == 302
    assert count(app, Ticket) == 1


def test_no_step_for_a_question_without_a_telling_word(app, client, kb, org):
    """Only short and frequent words: the subject area alone is no reason to offer its
    answers (the panel for staff still lists them)."""
    data = question(org, subject="Hej!", question="Hur gör jag nu? Var är den?")
    assert client.post("/fraga", data=data).status_code == 302
    assert count(app, Ticket) == 1


def test_no_step_when_files_are_attached(app, client, kb, org):
    from io import BytesIO

    data = {**bin_question(org), "attachments": (BytesIO(b"%PDF-1.4\n%%EOF\n"), "tunna.pdf")}
    response = client.post("/fraga", data=data, content_type="multipart/form-data")
    assert response.status_code == 302 and count(app, Ticket) == 1


def test_a_form_with_errors_gets_no_step(app, client, kb, org):
    response = client.post("/fraga", data=bin_question(org, email="inte en adress"))
    assert response.status_code == 400
    assert offered(response.get_data(as_text=True)) == []


def test_the_honeypot_still_refuses_before_any_step(app, client, kb, org):
    response = client.post("/fraga", data=bin_question(org, website="http://spam.example"))
    assert response.status_code == 400 and offered(response.get_data(as_text=True)) == []
    assert count(app, Ticket) == 0
