"""The knowledge base's foundation: who reads what (the rules and the query agree),
versions and restoring, who publishes, templates' owners, placeholders, and the
Markdown that cannot carry a script."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from kundtjanst.auth.models import User
from kundtjanst.core.errors import InvalidChange
from kundtjanst.core.placeholders import fill, known_only, miss_terms, unfilled, words
from kundtjanst.extensions import db
from kundtjanst.kb import queries, rules, services
from kundtjanst.kb.models import (
    ArticleState,
    ArticleVersion,
    SearchMiss,
    SearchScope,
    SelfServiceAnswer,
    Visibility,
)
from kundtjanst.kb.render import plain, to_html
from kundtjanst.org.models import Category, Group


def _fields(group, **changes):
    values = {
        "title": "Bygglov för altan",
        "summary": "En altan lägre än 1,2 meter behöver oftast inget bygglov.",
        "body": "## Regler\n\nLäs mer på kommunens webbplats.",
        "group": group,
    }
    values.update(changes)
    return services.ArticleFields(**values)


def _get(model, ident):
    return db.session.get(model, ident)


# --- placeholders and search words (pure) ----------------------------------------


def test_fill_replaces_what_is_known_and_names_the_rest():
    filled = fill(
        "Hej {namn}! Ditt ärende {ärendenummer} handläggs av {handläggare} i {kommun}.",
        {"namn": "Anna", "ärendenummer": "KT-2026-00001", "handläggare": "", "kommun": None},
    )
    assert filled.text == (
        "Hej Anna! Ditt ärende KT-2026-00001 handläggs av {handläggare} i {kommun}."
    )
    assert filled.missing == ("handläggare", "kommun")
    assert not filled.complete
    assert fill("Hej {namn}, {namn}", {}).missing == ("namn",)
    assert unfilled("Inget att fylla i { namn } eller {}") == ()
    assert known_only("Hej {namn} {nman}") == ("nman",)


def test_search_words_keep_swedish_letters_and_misses_keep_no_personal_data():
    assert words("Får jag ÅTERVINNA glas? glas") == ["får", "jag", "återvinna", "glas"]
    assert words("far") != words("får")
    kept = miss_terms("Bygglov 19121212-1212 anna.svensson@exempel.se 070-123 45 67 Storgatan 4B")
    assert kept == "bygglov storgatan"
    assert miss_terms("1234 5678") == ""


# --- reading: the rules and the query agree ---------------------------------------


@pytest.fixture
def articles(app, org):
    """One article of every kind that matters for reading."""
    with app.app_context():
        bygg = _get(Group, org.groups.bygg)
        social = _get(Group, org.groups.social)
        made = {}
        for group, visibility, state, for_frontline in itertools.product(
            (bygg, social),
            Visibility,
            (ArticleState.DRAFT, ArticleState.PUBLISHED, ArticleState.ARCHIVED),
            (False, True),
        ):
            name = f"{group.slug}-{visibility}-{state}-{'kt' if for_frontline else 'no'}"
            made[name] = services.create_article(
                None,
                _fields(
                    group,
                    title=name,
                    visibility=visibility,
                    state=state,
                    for_frontline=for_frontline,
                ),
            ).id
        db.session.commit()
        return made


def test_readable_query_agrees_with_the_rule_for_every_user(app, org, articles):
    from kundtjanst.kb.models import Article

    with app.app_context():
        for user in db.session.scalars(select(User)):
            listed = set(db.session.scalars(queries.readable(user).with_only_columns(Article.id)))
            ruled = {i for i in articles.values() if rules.may_read(user, _get(Article, i))}
            assert listed == ruled, user.email


def test_confidential_internal_articles_reach_members_and_marked_ones_kundtjanst(
    app, org, articles
):
    from kundtjanst.kb.models import Article

    with app.app_context():
        secret = _get(Article, articles["socialtjanst-internal-published-no"])
        for_kt = _get(Article, articles["socialtjanst-internal-published-kt"])
        public = _get(Article, articles["socialtjanst-public-published-no"])
        users = {name: _get(User, ident) for name, ident in vars(org.users).items()}
        assert rules.may_read(users["social"], secret)
        for name in ("agent", "member", "manager", "admin"):
            assert not rules.may_read(users[name], secret), name
        assert rules.may_read(users["agent"], for_kt)
        assert not rules.may_read(users["member"], for_kt)
        assert all(rules.may_read(u, public) for u in users.values())
        # Citizens: public and published only.
        published = {a for a in articles if a.endswith(("published-no", "published-kt"))}
        for name, ident in articles.items():
            expected = "-public-" in name and name in published
            assert rules.may_read(None, _get(Article, ident)) == expected, name
        public_ids = set(db.session.scalars(queries.public().with_only_columns(Article.id)))
        assert public_ids == {articles[n] for n in articles if "-public-published" in n}


# --- versions, publishing, restoring -----------------------------------------------


def test_every_save_is_a_version_and_an_old_one_can_be_restored(app, org):
    with app.app_context():
        member = _get(User, org.users.member)
        bygg = _get(Group, org.groups.bygg)
        category = _get(Category, org.categories.bygglov)
        article = services.create_article(member, _fields(bygg, categories=[category]))
        first_summary = article.summary
        assert services.update_article(
            article,
            member,
            services.fields_of(article, summary="Nya regler från 2027.", note="Ny lag"),
        )
        assert not services.update_article(article, member, services.fields_of(article))
        services.restore(article, member, 1)
        db.session.commit()
        history = queries.versions(article)
        assert [v.number for v in history] == [3, 2, 1]
        assert article.version == 3 and article.summary == first_summary
        assert history[1].summary == "Nya regler från 2027." and history[1].note == "Ny lag"
        assert history[0].note == "Återställde version 1"  # stored in the interface language
        assert history[2].fields["category_ids"] == [category.id]
        assert all(v.changed_by_id == member.id for v in history)
        with pytest.raises(InvalidChange):
            services.restore(article, member, 99)


def test_staff_propose_and_only_owners_publish(app, org):
    with app.app_context():
        agent = _get(User, org.users.agent)
        member = _get(User, org.users.member)
        other = _get(User, org.users.other)
        admin = _get(User, org.users.admin)
        bygg = _get(Group, org.groups.bygg)
        with pytest.raises(InvalidChange):
            services.create_article(agent, _fields(bygg, state=ArticleState.PUBLISHED))
        draft = services.create_article(agent, _fields(bygg))
        assert draft.state == ArticleState.DRAFT
        assert services.update_article(draft, agent, services.fields_of(draft, title="Altan"))
        for stranger in (agent, other):
            with pytest.raises(InvalidChange):
                services.set_state(draft, stranger, ArticleState.PUBLISHED)
        services.set_state(draft, member, ArticleState.PUBLISHED)
        assert draft.state == ArticleState.PUBLISHED and draft.published_at is not None
        # Published: only the owners (and administrators) change it now.
        with pytest.raises(InvalidChange):
            services.update_article(draft, agent, services.fields_of(draft, title="X"))
        services.set_state(draft, admin, ArticleState.ARCHIVED)
        db.session.commit()
        count = db.session.scalar(select(func.count()).where(ArticleVersion.article_id == draft.id))
        assert count == draft.version == 4


def test_an_article_needs_a_title_and_a_text(app, org):
    with app.app_context():
        bygg = _get(Group, org.groups.bygg)
        for changes in ({"title": "  "}, {"summary": "", "body": " \n"}):
            with pytest.raises(InvalidChange):
                services.create_article(None, _fields(bygg, **changes))
        db.session.rollback()
        assert db.session.scalar(select(func.count(ArticleVersion.id))) == 0


# --- templates -------------------------------------------------------------------


def test_templates_are_personal_or_shared_in_ones_own_groups(app, org):
    with app.app_context():
        agent = _get(User, org.users.agent)
        agent2 = _get(User, org.users.agent2)
        member = _get(User, org.users.member)
        kundtjanst = _get(Group, org.groups.kundtjanst)
        bygg = _get(Group, org.groups.bygg)
        own = services.save_template(None, agent, name="Tack", body="Tack {namn}!", group=None)
        shared = services.save_template(
            None, agent, name="Hänvisning", body="Ring oss.", group=kundtjanst
        )
        with pytest.raises(InvalidChange):
            services.save_template(None, agent, name="X", body="Y", group=bygg)
        assert {t.id for t in queries.templates_for(agent)} == {own.id, shared.id}
        assert {t.id for t in queries.templates_for(agent2)} == {shared.id}
        assert queries.templates_for(member) == []
        assert queries.template_for(agent2, own.id) is None
        with pytest.raises(InvalidChange):
            services.delete_template(own, agent2)
        services.delete_template(shared, agent2)  # a shared one is the group's
        db.session.commit()
        assert [t.id for t in queries.templates_for(agent)] == [own.id]


# --- what is recorded ---------------------------------------------------------------


def test_misses_keep_words_only_and_self_service_only_for_public_articles(app, org):
    with app.app_context():
        bygg = _get(Group, org.groups.bygg)
        services.record_miss("19121212-1212", SearchScope.PUBLIC)
        services.record_miss("Eldningsförbud i juli 0701234567", SearchScope.STAFF)
        internal = services.create_article(None, _fields(bygg, state=ArticleState.PUBLISHED))
        public = services.create_article(
            None, _fields(bygg, visibility=Visibility.PUBLIC, state=ArticleState.PUBLISHED)
        )
        with pytest.raises(InvalidChange):
            services.record_self_service(internal, None)
        services.record_self_service(public, org.categories.bygglov)
        db.session.commit()
        assert db.session.scalars(select(SearchMiss.terms)).all() == ["eldningsförbud i juli"]
        assert db.session.scalar(select(func.count(SelfServiceAnswer.id))) == 1


# --- Markdown ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "<script>alert(1)</script>",
        "[klicka](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "<a href='https://x' onclick='alert(1)'>x</a>",
    ],
)
def test_markdown_never_carries_a_script(markdown):
    """What is written may show as text; it never becomes an element, a handler or a
    link that runs something."""
    tags = _tags(str(to_html(markdown)))
    assert all(tag in ("p", "a") for tag, _ in tags), tags
    for _tag, attrs in tags:
        assert not any(name.startswith("on") for name, _ in attrs)
        href = dict(attrs).get("href") or ""
        assert not href or href.startswith(("https://", "http://")), href


def _tags(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_markdown_renders_headings_under_the_page_title_lists_and_safe_links():
    html = str(to_html("# Avfall\n\n- Glas\n- Papper\n\n[Läs mer](https://sjostad.se/avfall)"))
    assert "<h2>Avfall</h2>" in html and "<h1>" not in html
    assert "<li>Glas</li>" in html
    assert 'href="https://sjostad.se/avfall"' in html and "noopener" in html
    assert plain("**Sopor** hämtas <varannan> vecka") == "Sopor hämtas <varannan> vecka"


@pytest.mark.parametrize(
    ("markdown", "top", "expected"),
    [
        ("## Regler\n\n#### Undantag", 2, ["h2", "h3"]),  # no level skipped
        ("# A\n\n### B\n\n## C", 3, ["h3", "h5", "h4"]),  # order kept, under the page's h2
        ("###### Djupt\n\n# Högt", 5, ["h6", "h5"]),  # never deeper than h6
    ],
)
def test_headings_fit_under_the_pages_own(markdown, top, expected):
    assert [tag for tag, _ in _tags(str(to_html(markdown, top=top)))] == expected
