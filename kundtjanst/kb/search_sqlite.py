"""The SQLite side of the knowledge base search: an FTS5 table with the trigram
tokenizer over the articles' title, summary and body (migration 4b8d0f2c6e31 makes
it and its triggers). A quoted word is a substring match there: "tillstånd" finds
"Parkeringstillstånd". Case folds (Å is å); diacritics stay (å is never a)."""

from __future__ import annotations

from sqlalchemy import Select, column, func, literal_column, select, table

from ..extensions import db
from .models import Article

FTS_TABLE = "articles_fts"
# bm25 weights of title, summary and body: a word in the title counts most.
WEIGHTS = (10.0, 4.0, 1.0)

RARE_TRIGRAMS = 8  # of a search's words, looked for by the approximate stage

_fts = table(FTS_TABLE, column("rowid"))
_terms = table(FTS_TABLE + "_terms", column("term"), column("doc"))
_match_target = literal_column(FTS_TABLE)


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _matching(base: Select, expression: str, weights=WEIGHTS, limit: int = 50) -> list:
    rank = func.bm25(_match_target, *weights)
    stmt = (
        base.with_only_columns(Article.id, rank.label("rank"), Article.title, Article.summary)
        .join(_fts, _fts.c.rowid == Article.id)
        .where(_match_target.op("MATCH")(expression))
        .order_by(rank, Article.id)
        .limit(limit)
    )
    return db.session.execute(stmt).all()


def exact(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """Articles in ``base`` containing every term (each at least three letters) in
    their title, summary or body, best first, with a score above 0."""
    expression = " AND ".join(_phrase(t) for t in terms)
    return [(row.id, -row.rank) for row in _matching(base, expression, limit=limit)]


def any_of(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """Articles in ``base`` containing any of the terms, best first (bm25 weighs a
    rare word above a common one)."""
    expression = " OR ".join(_phrase(t) for t in terms)
    return [(row.id, -row.rank) for row in _matching(base, expression, limit=limit)]


def _rarest(terms: list[str], count: int) -> list[str]:
    """Of the words' trigrams, the ``count`` in the titles, summaries and bodies of
    the fewest articles, and in at least one (the trigram index's own counts)."""
    wanted = sorted({t[i : i + 3] for t in terms for i in range(len(t) - 2)})
    rows = db.session.execute(
        select(_terms.c.term, _terms.c.doc).where(_terms.c.term.in_(wanted))
    ).all()
    return [term for term, _ in sorted(rows, key=lambda row: (row.doc, row.term))[:count]]


def candidates(base: Select, terms: list[str], limit: int) -> list[tuple[int, str, str, float]]:
    """Articles in ``base`` whose title has one of the words' rarer trigrams
    (`RARE_TRIGRAMS` of them: common ones such as "ing" would make every article a
    candidate), most promising first (bm25: the more, and the rarer, the better):
    (id, title, summary, 0.0) for `search` to score."""
    rare = _rarest(terms, RARE_TRIGRAMS)
    if not rare:
        return []
    expression = "title : (" + " OR ".join(_phrase(g) for g in rare) + ")"
    rows = _matching(base, expression, weights=(1.0, 0.0, 0.0), limit=limit)
    return [(row.id, row.title, row.summary, 0.0) for row in rows]
