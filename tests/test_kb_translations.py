"""Articles in the citizens' other languages (issue 16, item 1): a public article's
English or Finnish translation on the pages read in that language, the Swedish text
(marked ``lang="sv"``, said to be in Swedish only) where there is none, the same
secrecy as the article's, the search in the page's language, the editors' pages (no
lost updates, hostile input, history), the export and import, and the migration."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import services, translations
from kundtjanst.kb.models import (
    Article,
    ArticleState,
    SearchMiss,
    Visibility,
)

from .test_kb_public import article as make_article

PUBLISHED, DRAFT, ARCHIVED = ArticleState.PUBLISHED, ArticleState.DRAFT, ArticleState.ARCHIVED
INTERNAL = Visibility.INTERNAL
MIGRATION = "668f0bf1e9c1"

BIN_EN = ("My bin was not emptied", "Report a missed collection; they come within two days.")
BIN_FI = ("Roska-astiaa ei tyhjennetty", "Ilmoita tyhjentämättä jääneestä astiasta.")


def translate(article_id: int, language: str, title: str, summary: str, body: str = "") -> None:
    """A translation as an import makes it (no actor). Call in a context."""
    found = db.session.get(Article, article_id)
    translations.save(found, None, language, translations.TranslationFields(title, summary, body))
    db.session.commit()


@pytest.fixture
def kb(app, org):
    """A public answer in Swedish, English and Finnish, one in Swedish and English,
    one in Swedish only, and translated ones that citizens must never read."""
    with app.app_context():
        ids = {
            "bin": make_article(
                org,
                "Soptunnan har inte tömts",
                "Anmäl en missad tömning till renhållningen.",
                "## Missad tömning\n\nRing renhållningen.",
            ),
            "bulky": make_article(org, "Grovsopor", "Lämna grovsopor på återvinningscentralen."),
            "permit": make_article(
                org, "Bygglov för altan", "En hög altan kräver bygglov.", group="bygg"
            ),
            "draft": make_article(org, "Utkast om sopor", "Utkast.", state=DRAFT),
            "internal": make_article(org, "Intern rutin", "Internt.", visibility=INTERNAL),
            "archived": make_article(org, "Gammalt svar", "Arkiverat.", state=ARCHIVED),
        }
        translate(ids["bin"], "en", *BIN_EN, "## Missed collection\n\nCall the **waste** team.")
        translate(ids["bin"], "fi", *BIN_FI, "## Tyhjennys\n\nSoita jätehuoltoon.")
        translate(ids["bulky"], "en", "Bulky waste", "Leave bulky waste at the recycling centre.")
        for name, words in (("draft", "Draft"), ("internal", "Internal"), ("archived", "Old")):
            translate(ids[name], "en", f"{words} wastewater secret", "Never public.")
            translate(ids[name], "fi", f"{words} jätevesi salainen", "Ei julkinen.")
    return ids


def get(client, url: str, language: str, status: int = 200) -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == status, (url, language, response.status_code)
    return response.get_data(as_text=True)


def main(page: str) -> str:
    """The page's own content: the header's language links carry lang attributes."""
    return page.split('<main id="main"')[1]


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def in_swedish_only(app, language: str) -> str:
    with app.test_request_context(), force_locale(language):
        return babel_gettext("This answer is available in Swedish only.")


def in_swedish(app, language: str) -> str:
    with app.test_request_context(), force_locale(language):
        return babel_gettext("in Swedish")


# --- the public pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "summary", "heading"),
    [("en", *BIN_EN, "Missed collection"), ("fi", *BIN_FI, "Tyhjennys")],
)
def test_a_translation_is_shown_on_the_pages_in_its_language(
    app, client, kb, language, title, summary, heading
):
    page = get(client, f"/fragor-och-svar/{kb['bin']}", language)
    assert html_lang(page) == language
    assert f'<h1 id="article-title">{title}</h1>' in page
    assert f"<title>{title} – " in page
    assert summary in page and f"<h2>{heading}</h2>" in page
    assert "Soptunnan har inte tömts" not in page and 'lang="sv"' not in main(page)
    assert 'id="in-swedish-only"' not in page
    index = get(client, "/fragor-och-svar", language)
    assert f'<a href="/fragor-och-svar/{kb["bin"]}">{title}</a>' in index


def test_without_a_translation_the_swedish_text_is_shown_marked_and_said_so(app, client, kb):
    page = get(client, f"/fragor-och-svar/{kb['bulky']}", "fi")
    assert html_lang(page) == "fi"  # the page stays Finnish
    assert '<h1 id="article-title" lang="sv">Grovsopor</h1>' in page
    assert '<p class="lead" id="short-answer" lang="sv">Lämna grovsopor' in page
    assert '<div class="article-body" id="article-body" lang="sv">' in page
    note = re.search(r'<p class="notice" id="in-swedish-only">([^<]+)</p>', page).group(1)
    assert note == in_swedish_only(app, "fi")
    index = get(client, "/fragor-och-svar", "fi")
    assert f'<a href="/fragor-och-svar/{kb["bulky"]}" lang="sv">Grovsopor</a>' in index
    assert f'<span class="hint">({in_swedish(app, "fi")})</span>' in index
    assert '<p lang="sv">Lämna grovsopor' in index
    # The English page has its translation; the Swedish one its own text, unmarked.
    english = get(client, f"/fragor-och-svar/{kb['bulky']}", "en")
    assert '<h1 id="article-title">Bulky waste</h1>' in english
    swedish = get(client, f"/fragor-och-svar/{kb['bulky']}", "sv")
    assert '<h1 id="article-title">Grovsopor</h1>' in swedish
    assert 'id="in-swedish-only"' not in swedish and 'lang="sv">' not in main(swedish)


def test_the_index_is_ordered_by_the_titles_shown(client, kb):
    index = get(client, "/fragor-och-svar", "en")
    titles = re.findall(r'href="/fragor-och-svar/\d+"(?: lang="sv")?>([^<]+)</a>', index)
    assert titles == ["Bulky waste", "Bygglov för altan", "My bin was not emptied"]


@pytest.mark.parametrize("language", ["en", "fi"])
def test_a_translation_of_an_article_citizens_may_not_read_never_shows(app, client, kb, language):
    for name in ("draft", "internal", "archived"):
        get(client, f"/fragor-och-svar/{kb[name]}", language, status=404)
    index = get(client, "/fragor-och-svar", language)
    hidden = {str(kb[name]) for name in ("draft", "internal", "archived")}
    for word in ("wastewater", "jätevesi", "salainen", "secret", "never public"):
        assert word not in index.casefold()
        hits = get(client, f"/fragor-och-svar?q={word}", language)
        assert not hidden & set(hit_ids(hits))
        found = hits[hits.index('id="hits-title"') :].split("</section>")[0]
        for text in ("secret", "salainen", "Never public", "Ei julkinen"):
            assert text not in found.replace(f"q={word}", "")
    # Published and public, the article's translation shows at once.
    with app.app_context():
        member = db.session.get(User, org_user(app, "other"))
        services.set_state(db.session.get(Article, kb["draft"]), member, PUBLISHED)
        db.session.commit()
    assert "Draft wastewater secret" in get(client, f"/fragor-och-svar/{kb['draft']}", "en")


def org_user(app, who: str) -> int:
    with app.app_context():
        emails = {"other": "miljo@kommun.test", "member": "bygg1@kommun.test"}
        return db.session.scalar(select(User.id).where(User.email == emails[who]))


# --- the public search --------------------------------------------------------------


def hit_ids(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/fragor-och-svar/(\d+)"', page)


def test_a_citizen_finds_the_translation_in_the_pages_language(app, client, kb):
    english = get(client, "/fragor-och-svar?q=emptied", "en")
    assert hit_ids(english) == [str(kb["bin"])]
    assert f'<a href="/fragor-och-svar/{kb["bin"]}">My bin was not emptied</a>' in english
    english = get(client, "/fragor-och-svar?q=missed+collection", "en")
    assert hit_ids(english) == [str(kb["bin"])]
    assert "Report a <mark>missed</mark> <mark>collection</mark>" in english
    # Words inside longer ones, and a misspelling (the approximate stage).
    finnish = get(client, "/fragor-och-svar?q=tyhjennys", "fi")
    assert hit_ids(finnish) == [str(kb["bin"])]
    assert hit_ids(get(client, "/fragor-och-svar?q=roskaastia tyhjenetty", "fi")) == [
        str(kb["bin"])
    ]
    # How do I? The frequent words do not have to be in the text.
    assert hit_ids(get(client, "/fragor-och-svar?q=how+do+I+leave+bulky+waste", "en")) == [
        str(kb["bulky"])
    ]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SearchMiss)) == 0


def test_the_swedish_search_still_works_on_a_translated_page(app, client, kb):
    english = get(client, "/fragor-och-svar?q=bygglov", "en")
    assert hit_ids(english) == [str(kb["permit"])]  # no English text: shown in Swedish
    assert f'<a href="/fragor-och-svar/{kb["permit"]}" lang="sv">Bygglov för altan</a>' in english
    assert f'<span class="hint">({in_swedish(app, "en")})</span>' in english
    # A Swedish word finds an article with a translation, shown in English.
    found = get(client, "/fragor-och-svar?q=grovsopor", "en")
    assert f'<a href="/fragor-och-svar/{kb["bulky"]}">Bulky waste</a>' in found
    # The Swedish page searches the Swedish only.
    assert 'id="no-hits"' in get(client, "/fragor-och-svar?q=emptied", "sv")


def test_a_search_that_finds_nothing_in_either_is_recorded_once(app, client, kb):
    get(client, "/fragor-och-svar?q=parkeringstillstand", "en")
    get(client, "/fragor-och-svar?q=%25_%5C", "fi")  # LIKE's wildcards are letters here
    with app.app_context():
        assert db.session.scalars(select(SearchMiss.terms)).all() == ["parkeringstillstand"]


def test_the_answers_offered_before_a_question_is_sent_are_in_the_pages_language(
    app, client, kb, org
):
    from .test_intake import question

    asked = question(
        org, subject="Grovsopor och soptunnan", question="Soptunnan tömdes inte. Grovsopor?"
    )
    page = client.post("/fraga", data=asked, headers={"Accept-Language": "fi"})
    page = page.get_data(as_text=True)
    assert html_lang(page) == "fi"
    offered = re.findall(r'<h2 id="answer-\d+"[^>]*>[^<]*</h2>', page)
    # The Finnish translation where there is one, else the Swedish marked as Swedish.
    assert f'<h2 id="answer-{kb["bin"]}">{BIN_FI[0]}</h2>' in offered
    assert f'<h2 id="answer-{kb["bulky"]}" lang="sv">Grovsopor</h2>' in offered
    swedish = client.post("/fraga", data=asked).get_data(as_text=True)
    assert f'<h2 id="answer-{kb["bin"]}">Soptunnan har inte tömts</h2>' in swedish
