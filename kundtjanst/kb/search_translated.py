"""The public search on a page in another of the citizens' languages: the articles'
own search as always (`search.find_public`, over the Swedish text), and beside it
their translations into the page's language, the two ranked together. A hit reads in
the page's language where its article has a translation, in Swedish (``Hit.lang``)
where not. A search that finds nothing in either is recorded once.

The translations have no index of their own (the Swedish search's indexes are built
over `articles` by migration 4b8d0f2c6e31; an FTS table, a tsvector and trigram
indexes per language would be its own piece of work). So the search reads the
language's translations of the public articles, which a municipality counts in
hundreds, not millions:

1. Exact: every word of three letters or more (a few frequent ones left out,
   `STOP_WORDS`) is in the translation's title, short answer or text, also inside a
   longer word ("lupa" finds "pysäköintilupa"); case-folded, no stems. Ranked by the
   share of the words in the title.
2. Approximate, when that found too few: the Swedish search's own measure
   (`search.fuzzy_score`) over the translated titles and short answers, so a
   misspelling or another inflection ("pysäköintiluvan") still finds its article.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app
from sqlalchemy import Select, select

from ..core.placeholders import words
from ..extensions import db
from ..locales import tag
from . import queries, search, services, translations
from .models import Article, ArticleTranslation, SearchScope

# Frequent words that say nothing about what a question is about, per language.
_EN = "about and any are can could does for from get have how not the there this what \
when where which who why will with you your"
_FI = "ei entä ettei että jos kun kuinka kuin miksi miten missä mikä mitä myös ole olla \
onko tai tämä voi voiko voinko"
STOP_WORDS = {"en": frozenset(_EN.split()), "fi": frozenset(_FI.split())}


def _usable(terms: list[str], language: str) -> list[str]:
    long_enough = [t for t in terms if len(t) >= search.MIN_TERM]
    stop = STOP_WORDS.get(language.split("_")[0], frozenset())
    return [t for t in long_enough if t not in stop] or long_enough


def ranked(base: Select, terms: list[str], language: str, limit: int) -> list[tuple[int, float]]:
    """(article id, score) of the articles in ``base`` whose translation into
    ``language`` matches ``terms``, best first: exact matches 1–2, approximate ones
    below 1 (as `search.ranked_ids` scores the Swedish)."""
    usable = _usable(terms, language)
    if not usable:
        return []
    translated = select(ArticleTranslation).where(
        ArticleTranslation.language == language,
        ArticleTranslation.article_id.in_(base.with_only_columns(Article.id)),
    )
    exact = []
    for row in db.session.execute(
        translated.with_only_columns(ArticleTranslation.article_id, ArticleTranslation.title).where(
            *[ArticleTranslation.search_text.contains(t, autoescape=True) for t in usable]
        )
    ):
        title = row.title.casefold()
        share = sum(1 for t in usable if t in title) / len(usable)
        exact.append((-(1 + 0.9 * share), title, row.article_id))
    exact.sort()
    found = [(article_id, -score) for score, _, article_id in exact[:limit]]
    if len(found) >= limit or not any(len(t) >= search.MIN_GRAM_WORD for t in usable):
        return found
    seen = {article_id for article_id, _ in found}
    approximate = []
    rows = db.session.execute(
        translated.with_only_columns(
            ArticleTranslation.article_id, ArticleTranslation.title, ArticleTranslation.summary
        )
    )
    for article_id, title, summary in rows:
        score = search.fuzzy_score(usable, title, summary)
        if article_id not in seen and score >= search.FUZZY_THRESHOLD:
            approximate.append((-min(score, 0.99), title.casefold(), article_id))
    approximate.sort()
    return (found + [(article_id, -score) for score, _, article_id in approximate])[:limit]


def find_public(
    q: str, *, language: str, category_id: int | None = None, limit: int = 20
) -> list[search.Hit]:
    """Public, published articles matching ``q`` in their Swedish text or in their
    translation into ``language``, shown in ``language`` where they have one."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if language == default:
        return search.find_public(q, category_id=category_id, limit=limit)
    terms = words(q)
    own = {
        hit.id: hit
        for hit in search.find_public(q, category_id=category_id, limit=limit, record=False)
    }
    base = queries.in_category(queries.public(), category_id)
    scores = {article_id: hit.score for article_id, hit in own.items()}
    for article_id, score in ranked(base, terms, language, limit):
        scores[article_id] = max(score, scores.get(article_id, 0.0))
    best = sorted(scores, key=lambda article_id: -scores[article_id])[:limit]
    if not best:
        if terms:
            services.record_miss(q, SearchScope.PUBLIC, category_id)
        return []
    found = translations.of_language(best, language)
    missing = [i for i in best if i not in own]
    articles = {}
    if missing:
        stmt = select(Article).where(Article.id.in_(missing))
        articles = {a.id: a for a in db.session.scalars(stmt)}
    hits = []
    for article_id in best:
        translation = found.get(article_id)
        if translation is None:  # a Swedish hit without a translation
            hits.append(replace(own[article_id], score=scores[article_id], lang=tag(default)))
            continue
        marks = search.marks_for(
            terms, f"{translation.title} {translation.summary} {translation.body}"
        )
        article = own[article_id].article if article_id in own else articles[article_id]
        hits.append(
            search.Hit(
                "article",
                article_id,
                translation.title,
                search.snippet(translation, marks),
                scores[article_id],
                article,
            )
        )
    return hits
