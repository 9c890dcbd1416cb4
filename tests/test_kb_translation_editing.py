"""Article translations from the editors' side (issue 16, item 1): adding, changing
and removing one, no lost updates, who may, hostile input, the export and import,
and the migration. The public pages: tests/test_kb_translations.py, whose fixtures
these tests share."""

# ruff: noqa: F811  (``kb``, the fixture shared with test_kb_translations.py, is
# imported and then named by each test)
from __future__ import annotations

import json
import re

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select

from kundtjanst.auth.models import User
from kundtjanst.core.errors import InvalidChange
from kundtjanst.extensions import db
from kundtjanst.kb import services, translations
from kundtjanst.kb.models import (
    Article,
    ArticleTranslation,
    ArticleTranslationVersion,
)

from .test_kb_public import article as make_article
from .test_kb_translations import (  # noqa: F401  (kb: the shared fixture)
    ARCHIVED,
    BIN_EN,
    BIN_FI,
    DRAFT,
    INTERNAL,
    MIGRATION,
    PUBLISHED,
    get,
    html_lang,
    kb,
    main,
    org_user,
    translate,
)

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
