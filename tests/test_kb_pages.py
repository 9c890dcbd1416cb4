"""The staff's knowledge pages (issue 13, items 1 and 3): writing, editing, publishing,
archiving and restoring articles by the right people only, no lost updates, the
history, secrecy on every page and list, and hostile input."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from kundtjanst.audit.models import AuditEntry
from kundtjanst.extensions import db
from kundtjanst.kb import services
from kundtjanst.kb.models import Article, ArticleState, ArticleVersion, SearchMiss, Visibility
from kundtjanst.org.models import Category, Group


def make_article(
    group_id: int,
    title: str,
    *,
    state: ArticleState = ArticleState.PUBLISHED,
    visibility: Visibility = Visibility.INTERNAL,
    for_frontline: bool = False,
    summary: str = "Det korta svaret.",
    body: str = "",
    category_ids=(),
    review_on: date | None = None,
) -> int:
    """An article as an import makes it (no actor: no rules asked). Call in a context."""
    article = services.create_article(
        None,
        services.ArticleFields(
            title=title,
            summary=summary,
            body=body,
            group=db.session.get(Group, group_id),
            categories=[db.session.get(Category, c) for c in category_ids],
            visibility=visibility,
            state=state,
            for_frontline=for_frontline,
            review_on=review_on,
        ),
    )
    db.session.commit()
    return article.id


def form_data(org, **changes) -> dict:
    data = {
        "title": "Tömning av latrinkärl",
        "summary": "Latrinkärl töms varannan vecka.",
        "body": "## Så går det till\n\nStäll kärlet vid vägen.",
        "categories": [str(org.categories.avfall)],
        "group_id": str(org.groups.bygg),
        "visibility": "internal",
        "state": "draft",
        "review_on": "",
        "note": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def article(app, article_id: int) -> Article:
    with app.app_context():
        found = db.session.get(Article, article_id)
        db.session.expunge(found)
        return found


def page(response) -> str:
    return response.get_data(as_text=True)


# --- writing and publishing ----------------------------------------------------------


def test_a_member_writes_and_publishes_an_article(app, org, login_as):
    client = login_as("member")
    response = client.post("/kunskap/artiklar/ny", data=form_data(org, state="published"))
    assert response.status_code == 302
    article_id = int(re.search(r"/kunskap/artiklar/(\d+)", response.location).group(1))
    saved = article(app, article_id)
    assert saved.state == ArticleState.PUBLISHED and saved.version == 1
    shown = page(client.get(response.location))
    assert "Tömning av latrinkärl" in shown and "<h3>Så går det till</h3>" in shown
    assert "Publicerad" in shown
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "kb.publish" in actions


def test_an_agent_proposes_a_draft_but_cannot_publish(app, org, login_as):
    client = login_as("agent")
    refused = client.post("/kunskap/artiklar/ny", data=form_data(org, state="published"))
    assert refused.status_code == 400
    assert "error-summary" in page(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0
    response = client.post("/kunskap/artiklar/ny", data=form_data(org))
    assert response.status_code == 302
    with app.app_context():
        draft = db.session.scalar(select(Article))
        assert draft.state == ArticleState.DRAFT and draft.group_id == org.groups.bygg
        draft_id = draft.id
    # No publish button for the agent, and the state route refuses.
    assert "Publicera" not in page(client.get(f"/kunskap/artiklar/{draft_id}"))
    denied = client.post(
        f"/kunskap/artiklar/{draft_id}/tillstand", data={"state": "published", "version": "1"}
    )
    assert denied.status_code == 403
    assert article(app, draft_id).state == ArticleState.DRAFT
    # A member of the owning group publishes it.
    member = login_as("member")
    assert (
        member.post(
            f"/kunskap/artiklar/{draft_id}/tillstand", data={"state": "published", "version": "1"}
        ).status_code
        == 302
    )
    assert article(app, draft_id).state == ArticleState.PUBLISHED


def test_a_member_of_another_group_cannot_publish_or_archive(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Bygglov för altan")
    other = login_as("other")
    for state in ("archived", "draft"):
        response = other.post(
            f"/kunskap/artiklar/{article_id}/tillstand", data={"state": state, "version": "1"}
        )
        assert response.status_code == 403
    assert other.get(f"/kunskap/artiklar/{article_id}/andra").status_code == 403
    edited = other.post(f"/kunskap/artiklar/{article_id}/andra", data=form_data(org, version="1"))
    assert edited.status_code == 403
    assert article(app, article_id).title == "Bygglov för altan"
    # ... nor publish an article of another group when writing one.
    refused = other.post("/kunskap/artiklar/ny", data=form_data(org, state="published"))
    assert refused.status_code == 400 and "Bygglov" in page(refused)


def test_archive_and_back_to_draft_by_the_owners(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Strandskydd")
    member = login_as("member2")
    assert (
        member.post(
            f"/kunskap/artiklar/{article_id}/tillstand", data={"state": "archived", "version": "1"}
        ).status_code
        == 302
    )
    assert article(app, article_id).state == ArticleState.ARCHIVED
    listed = page(member.get("/kunskap"))
    assert "Strandskydd" not in listed  # archived: not among published and drafts
    assert "Strandskydd" in page(member.get("/kunskap?state=archived"))
    assert (
        member.post(
            f"/kunskap/artiklar/{article_id}/tillstand", data={"state": "draft", "version": "2"}
        ).status_code
        == 302
    )
    assert article(app, article_id).state == ArticleState.DRAFT


# --- editing: no lost updates ----------------------------------------------------------


def test_editing_makes_a_new_version(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Bygglov", summary="Gammalt svar.")
    member = login_as("member")
    form = page(member.get(f"/kunskap/artiklar/{article_id}/andra"))
    assert 'name="version" type="hidden" value="1"' in form or 'value="1"' in form
    response = member.post(
        f"/kunskap/artiklar/{article_id}/andra",
        data=form_data(
            org,
            title="Bygglov",
            summary="Nytt svar.",
            state="published",
            version="1",
            note="Nya avgifter",
        ),
    )
    assert response.status_code == 302
    saved = article(app, article_id)
    assert saved.version == 2 and saved.summary == "Nytt svar."


def test_two_editors_do_not_overwrite_each_other(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Bygglov", summary="Första.")
    first, second = login_as("member"), login_as("member2")
    url = f"/kunskap/artiklar/{article_id}/andra"
    assert (
        first.post(
            url, data=form_data(org, summary="Annas text.", state="published", version="1")
        ).status_code
        == 302
    )
    late = second.post(
        url,
        data=form_data(
            org, summary="Beas ändring som inte får försvinna.", state="published", version="1"
        ),
    )
    assert late.status_code == 409
    body = page(late)
    assert 'id="refusal"' in body
    assert "Beas ändring som inte får försvinna." in body  # what was written is kept
    assert 'value="2"' in body  # the form now carries the current version
    assert article(app, article_id).summary == "Annas text."
    # Sending again (with the version it was given) goes through.
    again = second.post(
        url, data=form_data(org, summary="Beas ändring.", state="published", version="2")
    )
    assert again.status_code == 302
    assert article(app, article_id).summary == "Beas ändring."


def test_a_form_without_its_version_saves_nothing(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Bygglov", summary="Första.")
    response = login_as("member").post(
        f"/kunskap/artiklar/{article_id}/andra", data=form_data(org, summary="Utan version.")
    )
    assert response.status_code == 409
    assert article(app, article_id).summary == "Första."


def test_a_stale_state_button_is_refused(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Bygglov")
    member = login_as("member")
    response = member.post(
        f"/kunskap/artiklar/{article_id}/tillstand", data={"state": "archived", "version": "7"}
    )
    assert response.status_code == 409 and 'id="refusal"' in page(response)
    assert article(app, article_id).state == ArticleState.PUBLISHED


# --- history and restoring --------------------------------------------------------------


def test_history_earlier_versions_and_restore(app, org, login_as):
    with app.app_context():
        article_id = make_article(org.groups.bygg, "Bygglov", summary="Version ett.")
    member = login_as("member")
    url = f"/kunskap/artiklar/{article_id}/andra"
    member.post(
        url,
        data=form_data(
            org,
            title="Bygglov",
            summary="Version två.",
            state="published",
            version="1",
            note="Andra texten",
        ),
    )
    history = page(member.get(f"/kunskap/artiklar/{article_id}/historik"))
    assert "Version 2" in history and "Version 1" in history and "Andra texten" in history
    assert "Bo Bygg" in history
    old = page(member.get(f"/kunskap/artiklar/{article_id}/versioner/1"))
    assert "Version ett." in old and "Återställ" in old
    assert member.get(f"/kunskap/artiklar/{article_id}/versioner/9").status_code == 404
    assert member.get(f"/kunskap/artiklar/{article_id}/versioner/99999999999").status_code == 404
    # Someone outside the owning group may read, not restore.
    other = login_as("other")
    assert "Återställ" not in page(other.get(f"/kunskap/artiklar/{article_id}/versioner/1"))
    assert other.post(f"/kunskap/artiklar/{article_id}/versioner/1/aterstall").status_code == 403
    assert article(app, article_id).summary == "Version två."
    restored = member.post(f"/kunskap/artiklar/{article_id}/versioner/1/aterstall")
    assert restored.status_code == 302
    saved = article(app, article_id)
    assert saved.summary == "Version ett." and saved.version == 3
    with app.app_context():
        assert db.session.scalar(select(func.count(ArticleVersion.id))) == 3
        assert "kb.restore" in db.session.scalars(select(AuditEntry.action)).all()
    missing = member.post(f"/kunskap/artiklar/{article_id}/versioner/8/aterstall")
    assert missing.status_code == 302
    assert article(app, article_id).version == 3


# --- secrecy --------------------------------------------------------------------------------


@pytest.fixture
def secret(app, org):
    with app.app_context():
        hidden = make_article(
            org.groups.social, "Hemlig rutin för nödbistånd", category_ids=[org.categories.bistand]
        )
        frontline = make_article(
            org.groups.social,
            "Nödbistånd för kundtjänst",
            for_frontline=True,
            category_ids=[org.categories.bistand],
        )
        public = make_article(
            org.groups.social, "Ansök om ekonomiskt bistånd", visibility=Visibility.PUBLIC
        )
    return hidden, frontline, public


def test_a_confidential_groups_internal_article_is_hidden_from_others(app, org, login_as, secret):
    hidden, _frontline, public = secret
    for who in ("agent", "member", "other", "manager", "admin"):
        client = login_as(who)
        assert client.get(f"/kunskap/artiklar/{hidden}").status_code == 404, who
        assert client.get(f"/kunskap/artiklar/{hidden}/historik").status_code == 404, who
        assert client.get(f"/kunskap/artiklar/{hidden}/versioner/1").status_code == 404, who
        assert client.get(f"/kunskap/artiklar/{hidden}/andra").status_code == 404, who
        assert client.post(f"/kunskap/artiklar/{hidden}/versioner/1/aterstall").status_code == 404
        listed = page(client.get("/kunskap")) + page(client.get("/kunskap?q=nödbistånd"))
        listed += page(client.get(f"/kunskap?category={org.categories.bistand}"))
        assert "Hemlig rutin" not in listed, who
        assert client.get(f"/kunskap/artiklar/{public}").status_code == 200, who
    social = login_as("social")
    assert social.get(f"/kunskap/artiklar/{hidden}").status_code == 200
    assert "Hemlig rutin" in page(social.get("/kunskap?q=rutin"))


def test_for_frontline_lets_kundtjanst_read_but_no_other_group(app, org, login_as, secret):
    _hidden, frontline, _public = secret
    agent = login_as("agent")
    assert agent.get(f"/kunskap/artiklar/{frontline}").status_code == 200
    assert "Nödbistånd för kundtjänst" in page(agent.get("/kunskap?q=nödbistånd"))
    assert "Nödbistånd för kundtjänst" in page(agent.get("/kunskap"))
    for who in ("member", "other", "manager"):
        client = login_as(who)
        assert client.get(f"/kunskap/artiklar/{frontline}").status_code == 404, who
        assert "Nödbistånd för kundtjänst" not in page(client.get("/kunskap?q=nödbistånd"))


def test_the_knowledge_pages_need_a_login(app, org, client):
    for url in ("/kunskap", "/kunskap/artiklar/ny", "/kunskap/mallar", "/kunskap/artiklar/1"):
        response = client.get(url)
        assert response.status_code == 302 and "/logga-in" in response.location


# --- the list, the search -------------------------------------------------------------------


def test_search_shows_ranked_highlighted_hits_and_records_misses(app, org, login_as):
    with app.app_context():
        make_article(org.groups.bygg, "Bygglov för altan", summary="Altan kräver ofta bygglov.")
        make_article(org.groups.bygg, "Utkast om altan", state=ArticleState.DRAFT)
    agent = login_as("agent")
    shown = page(agent.get("/kunskap?q=altan"))
    assert "<mark>" in shown and "Bygglov för altan" in shown
    assert "Utkast om altan" not in shown  # search finds what is used in answers
    assert page(agent.get("/kunskap?q=<script>alert(1)</script>")).count("<script>alert") == 0
    agent.get("/kunskap?q=hundbajspåse")
    with app.app_context():
        assert "hundbajspåse" in db.session.scalars(select(SearchMiss.terms)).all()


def test_mine_to_review_lists_my_groups_articles_past_their_date(app, org, login_as):
    with app.app_context():
        make_article(org.groups.bygg, "Gammal taxa", review_on=date(2020, 1, 1))
        make_article(org.groups.bygg, "Ny taxa", review_on=date(2999, 1, 1))
        make_article(org.groups.miljo, "Miljötaxa", review_on=date(2020, 1, 1))
    shown = page(login_as("member").get("/kunskap?review=y"))
    assert "Gammal taxa" in shown and "Ny taxa" not in shown and "Miljötaxa" not in shown
    assert "Passerat" in page(login_as("member").get("/kunskap")) or "Gammal taxa" in shown


@pytest.mark.parametrize(
    "query",
    [
        "category=abc",
        "category=99999999999999999999",
        "category=-1",
        "state=nonsense",
        "page=-4",
        "page=" + "9" * 400,
        "q=" + "x" * 500,
        "q=%25%5F%5C",
        "review=%00",
    ],
)
def test_hostile_parameters_on_the_list(app, org, login_as, query):
    response = login_as("agent").get("/kunskap?" + query)
    assert response.status_code in (200, 400)
    if response.status_code == 400:  # the filters' summary, or NUL refused before any view
        assert "error-summary" in page(response) or "Begäran kunde inte tolkas" in page(response)


# --- hostile input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"title": "Rad ett\r\nBcc: evil@example.org"}, "title"),
        ({"title": ""}, "title"),
        ({"summary": "", "body": ""}, "summary"),
        ({"body": "x" * 1_000_001}, "body"),
        ({"summary": "s" * 2001}, "summary"),
        ({"review_on": "2026-02-30"}, "review_on"),
        ({"review_on": "31/12/2026"}, "review_on"),
        ({"review_on": "٢٠٢٦-١١-٢٧"}, "review_on"),
        ({"group_id": "abc"}, "group_id"),
        ({"group_id": "99999999999"}, "group_id"),
        ({"group_id": ""}, "group_id"),
        ({"categories": ["1e3"]}, "categories"),
        ({"visibility": "secret"}, "visibility"),
        ({"state": "deleted"}, "state"),
        ({"note": "n" * 201}, "note"),
    ],
)
def test_bad_article_input_is_refused_clearly(app, org, login_as, changes, field):
    app.config["MAX_CONTENT_LENGTH"], before = 3_000_000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = login_as("member").post("/kunskap/artiklar/ny", data=form_data(org, **changes))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = before
    assert response.status_code == 400
    body = page(response)
    assert "error-summary" in body and f'href="#{field}' in body
    with app.app_context():
        assert db.session.scalar(select(func.count(Article.id))) == 0


def test_markdown_is_rendered_sanitised(app, org, login_as):
    client = login_as("member")
    body = (
        "<script>alert(1)</script>\n\n[klicka](javascript:alert(1)) "
        "[bra](https://kommun.se) <img src=x onerror=alert(1)>"
    )
    response = client.post("/kunskap/artiklar/ny", data=form_data(org, body=body))
    assert response.status_code == 302
    shown = page(client.get(response.location))
    assert "<script>alert(1)" not in shown and "&lt;script&gt;" in shown
    assert 'href="javascript:' not in shown and '<a href="javascript' not in shown
    assert "<img" not in shown
    assert 'href="https://kommun.se"' in shown


@pytest.mark.parametrize(
    "url",
    [
        "/kunskap/artiklar/0",
        "/kunskap/artiklar/99999999999",
        "/kunskap/artiklar/abc",
        "/kunskap/artiklar/-1",
        "/kunskap/artiklar/5/historik",
        "/kunskap/artiklar/99999999999/andra",
        "/kunskap/mallar/99999999999/andra",
        "/kunskap/mallar/0/ta-bort",
    ],
)
def test_bad_ids_are_404(app, org, login_as, url):
    assert login_as("member").get(url).status_code == 404
