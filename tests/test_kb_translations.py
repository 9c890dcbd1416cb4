"""Articles in the citizens' other languages (issue 16, item 1): a public article's
English or Finnish translation on the pages read in that language, the Swedish text
(marked ``lang="sv"``, said to be in Swedish only) where there is none, the same
secrecy as the article's, the search in the page's language, the editors' pages (no
lost updates, hostile input, history), the export and import, and the migration."""

from __future__ import annotations

import json
import re

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from sqlalchemy import func, inspect, select

from kundtjanst.auth.models import User
from kundtjanst.core.errors import InvalidChange
from kundtjanst.extensions import db
from kundtjanst.kb import services, translations
from kundtjanst.kb.models import (
    Article,
    ArticleState,
    ArticleTranslation,
    ArticleTranslationVersion,
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


# --- the staff's pages --------------------------------------------------------------


def editor_url(article_id: int, language: str = "en", tail: str = "") -> str:
    return f"/kunskap/artiklar/{article_id}/oversattningar/{language}{tail}"


def saved(app, article_id: int, language: str = "en") -> ArticleTranslation | None:
    with app.app_context():
        found = db.session.scalar(
            select(ArticleTranslation).where(
                ArticleTranslation.article_id == article_id,
                ArticleTranslation.language == language,
            )
        )
        if found is not None:
            db.session.expunge(found)
        return found


def history(app, article_id: int) -> list[tuple]:
    with app.app_context():
        return [
            (v.language, v.number, v.removed, v.source_version, v.title)
            for v in db.session.scalars(
                select(ArticleTranslationVersion)
                .where(ArticleTranslationVersion.article_id == article_id)
                .order_by(ArticleTranslationVersion.id)
            )
        ]


TEXT = {"title": "Porch", "summary": "A high porch needs a permit.", "body": "## Rules\n\nAsk."}


def test_an_owner_adds_changes_and_removes_a_translation(app, kb, login_as):
    client = login_as("member")  # Bygglov owns the permit article
    article_id = kb["permit"]
    staff = client.get(f"/kunskap/artiklar/{article_id}").get_data(as_text=True)
    assert (
        f'href="{editor_url(article_id)}"' in staff
        and f'href="{editor_url(article_id, "fi")}"' in staff
    )
    form = client.get(editor_url(article_id)).get_data(as_text=True)
    assert 'name="version" type="hidden" value="0"' in form
    assert '<div lang="sv">' in form and "Bygglov för altan" in form  # the Swedish beside it
    assert client.post(editor_url(article_id), data={**TEXT, "version": "0"}).status_code == 302
    assert saved(app, article_id).version == 1
    public = get(client, f"/fragor-och-svar/{article_id}", "en")
    assert '<h1 id="article-title">Porch</h1>' in public and "<h2>Rules</h2>" in public
    # A change; the same text again is no new version.
    changed = {**TEXT, "title": "Porch or deck", "version": "1"}
    assert client.post(editor_url(article_id), data=changed).status_code == 302
    assert client.post(editor_url(article_id), data={**changed, "version": "2"}).status_code == 302
    assert saved(app, article_id).version == 2
    # Removed after a question; its history stays and a new one goes on numbering.
    question = client.get(editor_url(article_id, tail="/ta-bort")).get_data(as_text=True)
    assert 'name="version" type="hidden" value="2"' in question
    removed = client.post(editor_url(article_id, tail="/ta-bort"), data={"version": "2"})
    assert removed.status_code == 302 and saved(app, article_id) is None
    assert 'lang="sv">Bygglov för altan</h1>' in get(client, f"/fragor-och-svar/{article_id}", "en")
    assert client.post(editor_url(article_id), data={**TEXT, "version": "0"}).status_code == 302
    assert history(app, article_id) == [
        ("en", 1, False, 1, "Porch"),
        ("en", 2, False, 1, "Porch or deck"),
        ("en", 3, True, 1, "Porch or deck"),
        ("en", 4, False, 1, "Porch"),
    ]
    page = client.get(f"/kunskap/artiklar/{article_id}/historik").get_data(as_text=True)
    assert (
        'id="translation-history"' in page and editor_url(article_id, tail="/versioner/3") in page
    )
    old = client.get(editor_url(article_id, tail="/versioner/2"))
    assert old.status_code == 200 and 'lang="en"' in old.get_data(as_text=True)
    assert "Porch or deck" in old.get_data(as_text=True)


def test_no_lost_updates(app, kb, login_as):
    first, second = login_as("member"), login_as("admin")
    article_id = kb["permit"]
    assert first.post(editor_url(article_id), data={**TEXT, "version": "0"}).status_code == 302
    # The second editor opened the form before the first saved: nothing of theirs saved.
    late = second.post(editor_url(article_id), data={**TEXT, "title": "Deck", "version": "0"})
    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert 'id="refusal"' in page and 'value="Deck"' in page and 'value="1"' in page
    assert saved(app, article_id).title == "Porch"
    # A removal asked on an older version is refused too.
    first.post(editor_url(article_id), data={**TEXT, "title": "Porch 2", "version": "1"})
    stale = second.post(editor_url(article_id, tail="/ta-bort"), data={"version": "1"})
    assert stale.status_code == 409 and saved(app, article_id).title == "Porch 2"
    missing = second.post(editor_url(article_id, tail="/ta-bort"), data={})
    assert missing.status_code == 409 and saved(app, article_id) is not None


def test_the_staff_page_says_when_the_swedish_text_changed_since(app, kb, login_as):
    client = login_as("member")
    article_id = kb["permit"]
    client.post(editor_url(article_id), data={**TEXT, "version": "0"})
    row = re.compile(r'<tr id="translation-en">.*?</tr>', re.S)
    page = client.get(f"/kunskap/artiklar/{article_id}").get_data(as_text=True)
    assert "badge--overdue" not in row.search(page).group(0)
    with app.app_context():
        found = db.session.get(Article, article_id)
        member = db.session.get(User, org_user(app, "member"))
        services.set_state(found, member, DRAFT)  # a new version, the same text
        db.session.commit()
        services.update_article(
            found, member, services.fields_of(found, summary="Ny regel.", state=PUBLISHED)
        )
        db.session.commit()
    page = client.get(f"/kunskap/artiklar/{article_id}").get_data(as_text=True)
    assert "badge--overdue" in row.search(page).group(0)
    # Saved again as it is, the translation holds for the current Swedish text.
    assert client.post(editor_url(article_id), data={**TEXT, "version": "1"}).status_code == 302
    assert saved(app, article_id).source_version == 3
    page = client.get(f"/kunskap/artiklar/{article_id}").get_data(as_text=True)
    assert "badge--overdue" not in row.search(page).group(0)


def test_on_an_english_staff_page_the_swedish_text_is_marked_swedish(app, kb, login_as):
    client = login_as("member")
    url = f"/kunskap/artiklar/{kb['bin']}"
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang(english) == "en"
    assert '<h1 id="article-title" lang="sv">Soptunnan har inte tömts</h1>' in english
    assert '<div class="prose" id="article-body" lang="sv">' in english
    assert f'lang="en">{BIN_EN[0]}</a>' in english and f'lang="fi">{BIN_FI[0]}</a>' in english
    swedish = client.get(url, headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<h1 id="article-title">Soptunnan har inte tömts</h1>' in swedish


@pytest.mark.parametrize(
    ("who", "name", "expected"),
    [
        ("member", "permit", 200),  # an owner
        ("admin", "permit", 200),
        ("agent", "permit", 403),  # reads a published article, does not change it
        ("other", "permit", 403),
        ("agent", "draft", 200),  # anyone who reads a draft may propose its text
        ("other", "bulky", 200),
    ],
)
def test_whoever_may_change_the_article_changes_its_translations(
    app, kb, login_as, who, name, expected
):
    client = login_as(who)
    assert client.get(editor_url(kb[name])).status_code == expected
    current = saved(app, kb[name], "fi")
    version = str(current.version) if current else "0"
    post = client.post(editor_url(kb[name], "fi"), data={**TEXT, "version": version})
    assert post.status_code == (302 if expected == 200 else expected)
    if expected == 200:
        assert saved(app, kb[name], "fi").title == TEXT["title"]


def test_a_confidential_groups_article_is_not_revealed(app, org, login_as):
    with app.app_context():
        secret = make_article(
            org, "Skyddat boende", "Internt.", area="bistand", group="social", visibility=INTERNAL
        )
        translate(secret, "en", "Sheltered housing", "Internal.")
    for tail in ("", "/ta-bort", "/versioner/1"):
        assert login_as("member").get(editor_url(secret, tail=tail)).status_code == 404
    assert login_as("social").get(editor_url(secret, tail="/versioner/1")).status_code == 200


@pytest.mark.parametrize(
    "language", ["sv", "de", "EN", "en%00", "x" * 5000, "..%2Fadmin", "%C3%A4", "en-GB"]
)
def test_only_the_offered_languages(kb, login_as, language):
    client = login_as("member")
    for tail in ("", "/ta-bort"):
        assert client.get(editor_url(kb["permit"], language, tail)).status_code in (400, 404)
        post = client.post(editor_url(kb["permit"], language, tail), data={**TEXT, "version": "0"})
        assert post.status_code in (400, 404)
    version = client.get(editor_url(kb["bin"], language, "/versioner/1"))
    assert version.status_code in (400, 404)


def test_without_finnish_on_offer_there_is_no_finnish_translation(app, kb, login_as):
    app.config["CITIZEN_LANGUAGES"] = ("sv", "en")
    try:
        client = login_as("member")
        assert client.get(editor_url(kb["permit"], "fi")).status_code == 404
        page = client.get(f"/kunskap/artiklar/{kb['permit']}").get_data(as_text=True)
        assert 'id="translation-en"' in page and 'id="translation-fi"' not in page
    finally:
        app.config["CITIZEN_LANGUAGES"] = ("sv", "en", "fi")


# --- hostile input ------------------------------------------------------------------

XSS = '<script>alert("x")</script>'


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"summary": "", "body": " "}, "summary"),
        ({"title": "Two\nlines"}, "title"),
        ({"title": "Evil\u202eelpmaxe"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "a\x00b"}, "title"),
        ({"summary": "bell\x07"}, "summary"),
        ({"summary": "x" * 2001}, "summary"),
        ({"body": "x" * 50_001}, "body"),
        ({"body": "Text\u2066hidden\u2069"}, "body"),
        ({"summary": "Call 070-123 45 67 or write to anna.andersson@example.org."}, None),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(app, kb, login_as, changes, field):
    client = login_as("member")
    response = client.post(editor_url(kb["permit"]), data={**TEXT, "version": "0", **changes})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="error-summary"' in page
    if field:
        assert f'href="#{field}"' in page
    else:  # personal data: said so, and saved only once confirmed
        assert 'href="#no_personal_data"' in page
        confirmed = {**TEXT, "version": "0", **changes, "no_personal_data": "y"}
        assert client.post(editor_url(kb["permit"]), data=confirmed).status_code == 302
        return
    assert saved(app, kb["permit"]) is None and history(app, kb["permit"]) == []


@pytest.mark.parametrize("version", ["", "x", "-1", "1e3", "٣", "²", str(2**70), "0\x00"])
def test_a_version_that_is_none_is_refused_as_out_of_date(app, kb, login_as, version):
    client = login_as("member")
    response = client.post(editor_url(kb["permit"]), data={**TEXT, "version": version})
    assert response.status_code in (400, 409)
    assert saved(app, kb["permit"]) is None


def test_markup_is_shown_as_text_and_markdown_sanitised(app, kb, login_as):
    client = login_as("member")
    hostile = {
        "title": XSS,
        "summary": f"{XSS} & <b>bold</b>",
        "body": f"{XSS}\n\n[link](javascript:alert(1)) <img src=x onerror=alert(1)>",
        "version": "0",
    }
    assert client.post(editor_url(kb["permit"]), data=hostile).status_code == 302
    for url in (f"/fragor-och-svar/{kb['permit']}", "/fragor-och-svar", "/fragor-och-svar?q=alert"):
        page = get(client, url, "en")
        assert "<script>" not in page and "onerror=alert" not in page.replace(
            "onerror=alert(1)&gt;", ""
        )
        assert 'href="javascript' not in page
    staff = client.get(f"/kunskap/artiklar/{kb['permit']}").get_data(as_text=True)
    assert "<script>alert" not in staff and "&lt;script&gt;" in staff


def test_the_service_checks_what_the_form_cannot(app, kb):
    with app.app_context():
        found = db.session.get(Article, kb["permit"])
        agent = db.session.scalar(select(User).where(User.email == "agent@kommun.test"))
        fields = translations.TranslationFields("Porch", "Permit.")
        with pytest.raises(InvalidChange):
            translations.save(found, agent, "en", fields)  # not an owner: published
        with pytest.raises(InvalidChange):
            translations.save(found, None, "sv", fields)  # the articles' own language
        with pytest.raises(InvalidChange):
            translations.remove(found, None, "en")  # there is none
        assert translations.save(found, None, "en", fields) is True
        assert translations.save(found, None, "en", fields) is False
        db.session.rollback()


# --- export and import --------------------------------------------------------------


def test_export_and_import_carry_the_translations(app, kb, runner, tmp_path):
    path = tmp_path / "kb.json"
    assert runner.invoke(args=["kb", "export", str(path)]).exit_code == 0
    exported = {a["title"]: a for a in json.loads(path.read_text(encoding="utf-8"))}
    assert exported["Soptunnan har inte tömts"]["translations"]["fi"]["title"] == BIN_FI[0]
    assert "translations" not in exported["Bygglov för altan"]
    folder = tmp_path / "md"
    assert runner.invoke(args=["kb", "export", str(folder)]).exit_code == 0
    # Read back: unchanged; then a changed translation and a new one are stored.
    result = runner.invoke(args=["kb", "import", str(path)])
    assert result.exit_code == 0 and "Created 0, updated 0, unchanged 6" in result.output
    entry = exported["Bygglov för altan"]
    entry["translations"] = {"fi": {"title": "Terassin rakennuslupa", "body": "Korkea terassi."}}
    exported["Grovsopor"]["translations"]["en"]["title"] = "Large waste"
    path.write_text(json.dumps(list(exported.values()), ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["kb", "import", str(path)])
    assert result.exit_code == 0 and "updated 2, unchanged 4" in result.output
    assert saved(app, kb["permit"], "fi").summary == "Korkea terassi."  # from the body
    assert saved(app, kb["bulky"]).title == "Large waste"
    result = runner.invoke(args=["kb", "import", str(folder)])
    assert result.exit_code == 0 and "refused 0" in result.output


@pytest.mark.parametrize(
    ("translations_value", "reason"),
    [
        (["en"], "translations must map languages"),
        ({"de": {"title": "Sperrmüll"}}, "unknown language 'de'"),
        ({"sv": {"title": "Grovsopor"}}, "unknown language 'sv'"),
        ({"en": "Bulky"}, "translations en: must have a title"),
        ({"en": {"body": "x"}}, "translations en: must have a title"),
        ({"en": {"title": "A\nB", "body": "x"}}, "title must be one line"),
        ({"en": {"title": "Bulky", "extra": "x"}}, "unknown keys extra"),
        ({"en": {"title": "Bulky", "body": 3}}, "body must be text"),
        ({"en": {"title": "Bulky", "body": "a\x00b"}}, "NUL"),
        ({"en": {"title": "Bulky", "summary": "", "body": ""}}, "Write the short answer"),
    ],
)
def test_an_import_refuses_bad_translations_and_stores_nothing_of_them(
    app, org, runner, tmp_path, translations_value, reason
):
    data = {
        "title": "Grovsopor",
        "category": "Avfall",
        "group": "miljo",
        "visibility": "public",
        "state": "published",
        "body": "Lämna grovsopor på återvinningscentralen.",
        "translations": translations_value,
    }
    path = tmp_path / "kb.json"
    path.write_text(json.dumps([data], ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["kb", "import", str(path)])
    assert result.exit_code == 1 and reason in result.output, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0
        assert db.session.scalar(select(func.count()).select_from(ArticleTranslation)) == 0


# --- the migration ------------------------------------------------------------------


def test_the_migration_goes_down_and_up_again(app, kb):
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        below = script.get_revision(MIGRATION).down_revision
        flask_migrate.downgrade(revision=below)
        tables = inspect(db.engine).get_table_names()
        assert "article_translations" not in tables
        assert "article_translation_versions" not in tables
        assert "articles" in tables
        flask_migrate.upgrade(revision="heads")
        tables = inspect(db.engine).get_table_names()
        assert {"article_translations", "article_translation_versions"} <= set(tables)
        # The tables work again (the articles stayed; their translations went with it).
        assert db.session.scalar(select(func.count()).select_from(ArticleTranslation)) == 0
        translate(kb["bin"], "en", *BIN_EN)
        assert db.session.scalar(select(func.count()).select_from(ArticleTranslation)) == 1
