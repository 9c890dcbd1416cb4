"""The knowledge base search in Swedish, on the database's own index (FTS5 with
trigrams on SQLite, full text and pg_trgm on PostgreSQL): compounds, misspellings,
å/ä/ö as letters, ranking, highlighting, secrecy, templates, misses, suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import search, services
from kundtjanst.kb.models import (
    Article,
    ArticleState,
    SearchMiss,
    SearchScope,
    Visibility,
)
from kundtjanst.kb.services import ArticleFields
from kundtjanst.org.models import Category, Group

PUBLISHED, DRAFT, ARCHIVED = ArticleState.PUBLISHED, ArticleState.DRAFT, ArticleState.ARCHIVED


def add(
    title: str,
    summary: str = "",
    body: str = "",
    *,
    group: int,
    visibility: Visibility = Visibility.INTERNAL,
    state: ArticleState = PUBLISHED,
    frontline: bool = False,
    categories: tuple[int, ...] = (),
) -> int:
    article = services.create_article(
        None,
        ArticleFields(
            title=title,
            summary=summary or f"Om {title.lower()}.",
            body=body,
            group=db.session.get(Group, group),
            categories=[db.session.get(Category, c) for c in categories],
            visibility=visibility,
            state=state,
            for_frontline=frontline,
        ),
    )
    db.session.commit()
    return article.id


def user(org, name: str) -> User:
    return db.session.get(User, getattr(org.users, name))


def titles(hits) -> list[str]:
    return [h.title for h in hits]


@pytest.fixture
def library(app, org):
    """A few articles of several groups, and a distractor for each subject."""
    with app.app_context():
        g = org.groups
        add("Ekonomiskt bistånd", "Hur du söker försörjningsstöd.", group=g.kundtjanst)
        add("Ansökan om färdtjänst", "Blankett och handläggningstid.", group=g.kundtjanst)
        add("Bygglov", "När du behöver bygglov för altan, garage eller tillbyggnad.", group=g.bygg)
        add("Hämtning av sopor", "Tömning av kärl varannan vecka.", group=g.miljo)
        add("Parkeringstillstånd", "Tillstånd för rörelsehindrade att parkera.", group=g.bygg)
        add("Strandskydd", "Vad som gäller nära sjöar och vattendrag.", group=g.miljo)
        yield


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bygglovsansökan", "Bygglov"),
        ("sophämtning", "Hämtning av sopor"),
        ("parkerings tillstånd", "Parkeringstillstånd"),
        ("Parkeringstillståndet", "Parkeringstillstånd"),
    ],
)
def test_compounds_find_their_parts_and_parts_their_compound(app, org, library, query, expected):
    with app.app_context():
        hits = search.find_for_staff(user(org, "agent"), query)
        assert expected in titles(hits)
        assert "Strandskydd" not in titles(hits)
        if query != "bygglovsansökan":  # "Ansökan om färdtjänst" shares as much
            assert titles(hits)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [("bygglv", "Bygglov"), ("sophämtnig", "Hämtning av sopor"), ("strandsyddk", "Strandskydd")],
)
def test_a_misspelling_still_finds_the_article(app, org, library, query, expected):
    with app.app_context():
        hits = search.find_for_staff(user(org, "agent"), query)
        assert titles(hits)[:1] == [expected]
        assert hits[0].score < 1  # approximate, below every exact match
        assert db.session.scalar(select(SearchMiss.id)) is None


def test_a_questions_frequent_words_are_not_needed(app, org):
    with app.app_context():
        g = org.groups.miljo
        bins = add(
            "Hämtning av sopor", "Kärlet töms varannan vecka.", "Ställ ut soptunnan.", group=g
        )
        add("Byta soptunna", "Större eller mindre kärl.", group=g)
        hits = search.find_for_staff(user(org, "agent"), "när töms soptunnan")
        assert [h.id for h in hits][:1] == [bins] and hits[0].score >= 1
        assert search.find_for_staff(user(org, "agent"), "när") == []  # alone, still a word


def test_a_words_within_a_title_is_found_exactly_and_ranked_first(app, org, library):
    with app.app_context():
        hits = search.find_for_staff(user(org, "agent"), "tillstånd")
        assert titles(hits)[0] == "Parkeringstillstånd"
        assert hits[0].score >= 1


def test_å_ä_and_ö_are_letters_never_stripped(app, org):
    with app.app_context():
        g = org.groups.kundtjanst
        far = add("Far och mor", "Föräldraledighet för far.", group=g)
        far_ = add("Får man elda?", "Eldning av trädgårdsavfall.", group=g)
        agent = user(org, "agent")
        assert [h.id for h in search.find_for_staff(agent, "får")] == [far_]
        assert [h.id for h in search.find_for_staff(agent, "FÅR")] == [far_]
        assert [h.id for h in search.find_for_staff(agent, "far")] == [far]
        assert search.find_for_staff(agent, "fär") == []


def test_a_title_match_ranks_above_a_body_match(app, org):
    with app.app_context():
        g = org.groups.miljo
        in_body = add(
            "Trädgårdsavfall", "Om avfall.", "Kompostera hemma: kompost i trädgården.", group=g
        )
        in_title = add("Kompost i villa", "Så gör du.", group=g)
        hits = search.find_for_staff(user(org, "agent"), "kompost")
        assert [h.id for h in hits] == [in_title, in_body]
        assert hits[0].score > hits[1].score


def test_matches_are_marked_and_the_text_escaped(app, org):
    with app.app_context():
        add(
            "Sopor och kärl",
            'Ställ <b>soptunnan</b> & kärlet "vid vägen".',
            group=org.groups.miljo,
        )
        (hit,) = search.find_for_staff(user(org, "agent"), "soptunnan")
        assert "&lt;b&gt;<mark>soptunnan</mark>&lt;/b&gt; &amp; kärlet" in hit.snippet
        assert "<b>" not in hit.snippet
        (fuzzy,) = search.find_for_staff(user(org, "agent"), "sopoor kärl")
        assert fuzzy.score < 1 and "<mark>kärl</mark>" in fuzzy.snippet


def test_a_match_in_the_body_is_shown_from_the_body(app, org):
    with app.app_context():
        add(
            "Elda",
            "Regler för eldning.",
            "Grillning är tillåten på **altanen**.",
            group=org.groups.miljo,
        )
        (hit,) = search.find_for_staff(user(org, "agent"), "grillning")
        assert "<mark>Grillning</mark>" in hit.snippet


def test_secrecy_drafts_and_archived_articles(app, org):
    with app.app_context():
        g = org.groups
        secret = add("Skyddat boende rutin", "Intern rutin.", group=g.social)
        shared = add(
            "Skyddat boende hänvisning", "Vad kundtjänst säger.", group=g.social, frontline=True
        )
        add("Skyddat boende utkast", group=g.kundtjanst, state=DRAFT)
        add("Skyddat boende gammal", group=g.kundtjanst, state=ARCHIVED)
        public = add("Skyddat boende för alla", group=g.social, visibility=Visibility.PUBLIC)

        def found(name):
            return {h.id for h in search.find_for_staff(user(org, name), "skyddat boende")}

        assert found("social") == {secret, shared, public}
        assert found("agent") == {shared, public}  # kundtjänst reads for_frontline
        assert found("other") == {public}  # a svarsgrupp does not
        assert found("member") == {public}
        assert {h.id for h in search.find_public("skyddat boende")} == {public}
        assert {h.id for h in search.find_public("skydat boende")} == {public}  # approximate too


def test_the_category_narrows_the_search(app, org):
    with app.app_context():
        c = org.categories
        waste = add("Avgift för sopor", group=org.groups.miljo, categories=(c.avfall,))
        add("Avgift för bygglov", group=org.groups.bygg, categories=(c.bygglov,))
        hits = search.find_for_staff(user(org, "agent"), "avgift", category_id=c.avfall)
        assert [h.id for h in hits] == [waste]


def test_templates_are_the_users_own_and_their_groups(app, org):
    with app.app_context():
        agent, agent2, member = user(org, "agent"), user(org, "agent2"), user(org, "member")
        mine = services.save_template(
            None,
            agent,
            name="Sopor, min",
            body="Hej {namn}, tömning sker på tisdag.",
            group=None,
        )
        ours = services.save_template(
            None,
            agent,
            name="Tömning, kundtjänst",
            body="Tömningen sker enligt schema.",
            group=db.session.get(Group, org.groups.kundtjanst),
        )
        services.save_template(None, agent2, name="Tömning, Alvas", body="Tömning.", group=None)
        services.save_template(
            None,
            member,
            name="Tömning, bygg",
            body="Tömning.",
            group=db.session.get(Group, org.groups.bygg),
        )
        db.session.commit()
        hits = search.find_for_staff(agent, "tömning")
        assert {(h.kind, h.id) for h in hits} == {("template", mine.id), ("template", ours.id)}
        assert hits[0].id == ours.id  # the word in its name
        assert "<mark>tömning</mark>" in hits[1].snippet
        assert [h.id for h in search.template_hits(agent, "tömnig")][:2] != []


def test_articles_and_templates_are_ranked_together(app, org):
    with app.app_context():
        agent = user(org, "agent")
        article = add("Felanmälan gatubelysning", group=org.groups.kundtjanst)
        template = services.save_template(
            None,
            agent,
            name="Svar om belysning",
            body="Vi har tagit emot din felanmälan om gatubelysning.",
            group=None,
        )
        db.session.commit()
        hits = search.find_for_staff(agent, "gatubelysning")
        assert [(h.kind, h.id) for h in hits] == [("article", article), ("template", template.id)]


def test_a_search_that_finds_nothing_is_recorded_as_words_only(app, org, library):
    with app.app_context():
        agent = user(org, "agent")
        assert search.find_for_staff(agent, "Snöskottning 19121212-1212 eva@example.org") == []
        assert search.find_public("vattenmätare", category_id=org.categories.avfall) == []
        assert search.find_for_staff(agent, "xyzzyq", record=False) == []
        assert search.find_for_staff(agent, "bygglov") != []
        db.session.commit()
        misses = db.session.execute(
            select(SearchMiss.terms, SearchMiss.scope, SearchMiss.category_id).order_by(
                SearchMiss.id
            )
        ).all()
        assert misses == [
            ("snöskottning", SearchScope.STAFF, None),
            ("vattenmätare", SearchScope.PUBLIC, org.categories.avfall),
        ]


@pytest.mark.parametrize(
    "query",
    [
        '"bygg* OR NEAR(',
        "title:bygglov",
        "a b",
        "och",
        "don't-stop",
        "ö",
        "%_\\",
        "'; DROP TABLE articles; --",
        "x" * 500,
        "",
    ],
)
def test_odd_queries_are_just_words(app, org, library, query):
    with app.app_context():
        search.find_for_staff(user(org, "agent"), query)
        search.find_public(query)
        search.suggest(user(org, "agent"), query, None)
        assert db.session.scalar(select(Article.id).where(Article.title == "Bygglov"))


def test_suggestions_come_from_the_subject_area(app, org):
    with app.app_context():
        c, g = org.categories, org.groups
        altan = add(
            "Bygglov för altan", "Altan högre än 1,8 meter.", group=g.bygg, categories=(c.bygglov,)
        )
        add(
            "Bygglov för garage",
            "Garage över 30 kvadratmeter.",
            group=g.bygg,
            categories=(c.bygglov,),
        )
        add("Sopkärl vid altan", "Var kärlet står.", group=g.miljo, categories=(c.avfall,))
        public = add(
            "Altan och uteplats",
            "Det allmänna.",
            group=g.bygg,
            visibility=Visibility.PUBLIC,
            categories=(c.bygglov,),
        )
        question = "Hej! Behöver jag bygglov för att bygga en altan hemma? Tack"
        suggested = search.suggest(user(org, "agent"), question, c.bygglov)
        assert [a.id for a in suggested][:1] == [altan]
        assert "Sopkärl vid altan" not in [a.title for a in suggested]
        assert [a.id for a in search.suggest(None, question, c.bygglov)] == [public]
        assert db.session.scalar(select(SearchMiss.id)) is None


def test_the_index_follows_changes_and_deletions(app, org):
    with app.app_context():
        agent = user(org, "agent")
        article_id = add("Snöröjning", "Vi plogar gator.", group=org.groups.kundtjanst)
        article = db.session.get(Article, article_id)
        fields = services.fields_of(article, title="Halkbekämpning", note=None)
        services.update_article(article, None, fields)
        db.session.commit()
        assert search.find_for_staff(agent, "snöröjning", record=False) == []
        assert titles(search.find_for_staff(agent, "halkbekämpning")) == ["Halkbekämpning"]
        db.session.delete(db.session.get(Article, article_id))
        db.session.commit()
        assert search.find_for_staff(agent, "halkbekämpning", record=False) == []
        if db.engine.dialect.name == "sqlite":  # the FTS5 index has no stale rows
            db.session.execute(
                text("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
            )
            assert db.session.scalar(text("SELECT count(*) FROM articles_fts")) == 0
