"""The PostgreSQL side of the knowledge base search: full text with the ``swedish``
configuration (stems: "bygglovet" finds "bygglov") over title (weight A), summary
(B) and body (C), and pg_trgm trigram indexes for what stemming cannot see — a word
inside a compound ("tillstånd" in "Parkeringstillstånd") and misspellings. The
expressions below are exactly those of migration 4b8d0f2c6e31's indexes."""

from __future__ import annotations

import re

from sqlalchemy import Select, bindparam, func, literal, literal_column, or_, text

from ..extensions import db
from .models import Article

COLUMN = "search_vector"
VECTOR = literal_column("articles.search_vector")  # a generated column, not in the models
ALL_TEXT = literal_column("(articles.title || ' ' || articles.summary || ' ' || articles.body)")
INDEXES = ("ix_articles_search_vector", "ix_articles_search_trgm", "ix_articles_title_trgm")
# ts_rank's weights for D, C, B, A: a word in the title counts most.
RANK_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
# The approximate stage's candidates: "bygglovsansökan" has 0.44 of its trigrams
# in "Bygglov", "sophämtnig" 0.64 in "Hämtning av sopor".
WORD_SIMILARITY = 0.3


def _prefix_query(term: str) -> str:
    """A tsquery matching the word's stem and anything it begins (``:*``): only
    letters and digits reach it, so nothing in it is tsquery syntax."""
    parts = [p for p in re.split(r"[^\w]+|_", term) if p]
    return " & ".join(f"{p}:*" for p in parts)


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def exact(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """Articles in ``base`` with every term (each at least three letters) as a word
    (stemmed, or a word's beginning) or inside one, best first, score above 0."""
    conditions, queries = [], []
    for term in terms:
        query = func.to_tsquery(text("'swedish'::regconfig"), _prefix_query(term))
        queries.append(query)
        conditions.append(or_(ALL_TEXT.ilike(_like(term)), VECTOR.op("@@")(query)))
    combined = queries[0]
    for query in queries[1:]:
        combined = combined.op("||")(query)
    phrase = bindparam("phrase", " ".join(terms))
    score = func.ts_rank(
        literal_column(f"'{RANK_WEIGHTS}'::float4[]"), VECTOR, combined
    ) + 2 * func.word_similarity(phrase, Article.title)
    stmt = (
        base.with_only_columns(Article.id, score.label("score"))
        .where(*conditions)
        .order_by(score.desc(), Article.id)
        .limit(limit)
    )
    return [(row.id, float(row.score) + 0.001) for row in db.session.execute(stmt)]


def any_of(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """Articles in ``base`` with any of the words (stemmed; the ``swedish``
    configuration drops the stop words), best first."""
    query = func.to_tsquery(
        text("'swedish'::regconfig"), " | ".join(f"({_prefix_query(t)})" for t in terms)
    )
    score = func.ts_rank(literal_column(f"'{RANK_WEIGHTS}'::float4[]"), VECTOR, query)
    stmt = (
        base.with_only_columns(Article.id, score.label("score"))
        .where(VECTOR.op("@@")(query))
        .order_by(score.desc(), Article.id)
        .limit(limit)
    )
    return [(row.id, float(row.score)) for row in db.session.execute(stmt)]


def candidates(base: Select, terms: list[str], limit: int) -> list[tuple[int, str, str, float]]:
    """Articles in ``base`` whose title resembles one of the words (pg_trgm's word
    similarity ``<%`` at least `WORD_SIMILARITY`, which the trigram index checks
    itself), most similar first: (id, title, summary, the words' mean similarity)."""
    db.session.execute(
        text("SELECT set_config('pg_trgm.word_similarity_threshold', :v, true)"),
        {"v": str(WORD_SIMILARITY)},
    )
    similar = [literal(t).op("<%")(Article.title) for t in terms]
    similarity = sum(
        (func.word_similarity(literal(t), Article.title) for t in terms), start=literal_column("0")
    ) / len(terms)
    stmt = (
        base.with_only_columns(Article.id, Article.title, Article.summary, similarity)
        .where(or_(*similar))
        .order_by(similarity.desc(), Article.id)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], float(r[3])) for r in db.session.execute(stmt)]
