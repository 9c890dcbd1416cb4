"""Searching the knowledge base: one ranked list of articles and templates for staff
(`find_for_staff`), public articles for citizens (`find_public`), and suggestions
for a ticket (`suggest`). Searches a person made that found nothing are recorded
(`services.record_miss`, the words only) for the gap report; suggestions are not.

Two stages, both through an index (`search_pg` on PostgreSQL, `search_sqlite` on
SQLite; the answers differ only at the edges of the approximate stage):

1. Exact: every word of three letters or more is in the article — as a word, as a
   stem (PostgreSQL), or inside a longer word, so "parkerings tillstånd" finds
   "Parkeringstillstånd". Ranked by full-text rank with the title weighing most.
   A search's frequent words (`STOP_WORDS`: "när töms soptunnan") are left out of
   both stages when it has others.
2. Approximate, filling up the list when the exact stage found too few, over the
   titles (they name the subject; a summary or body adds to the score, not to the
   candidates): a word of five letters or more is cut into overlapping
   four-letter pieces ("sophämtning" → soph, ophä, phäm, hämt, ämtn, mtni, tnin,
   ning); an article's score is the share of each word's pieces its title (or,
   counting less, its summary) contains. A compound finds its parts
   ("bygglovsansökan" → "Bygglov"), and a misspelling keeps most of its pieces
   ("sophämtnig" → "Hämtning av sopor"); the share of its trigrams (as pg_trgm
   counts them) in the title counts too, when higher ("fösrkola" → "Förskola").
   The index finds the candidates: on PostgreSQL titles with pg_trgm word
   similarity of at least 0.3 to a word, on SQLite titles with the word's rarest
   trigrams (`search_sqlite.candidates`). Articles below
   `FUZZY_THRESHOLD` are not hits. å, ä and ö are letters throughout.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from sqlalchemy import Select, select

from ..core.placeholders import words
from ..extensions import db
from . import queries, search_pg, search_sqlite, services
from .models import AnswerTemplate, Article, SearchScope
from .render import plain

if TYPE_CHECKING:
    from ..auth.models import User

SNIPPET_CHARS = 220
MIN_TERM = 3  # a shorter word matches no trigram: it narrows nothing
GRAM = 4  # the approximate stage's pieces
MIN_GRAM_WORD = 5  # shorter words are matched whole
FUZZY_THRESHOLD = 0.35
CANDIDATES = 100  # approximate candidates scored per search
MAX_FUZZY_WORDS = 4  # words looked for approximately
SUMMARY_WEIGHT = 0.6  # a piece in the summary, against one in the title
# Frequent words that say nothing about what a question is about (for `suggest`).
_STOP = "alla andra att bara blir detta eller efter fick finns från för har hade hej \
hur inte jag kan kommer kunna med men mycket måste när något några och också ska \
skulle som tack till under vad var vara vill vänliga hälsningar"
STOP_WORDS = frozenset(_STOP.split())


@dataclass(frozen=True)
class Hit:
    kind: str  # "article" or "template"
    id: int
    title: str
    snippet: Markup  # an excerpt around the first match, matches in <mark>
    score: float  # exact matches 1–2, approximate ones below 1
    article: Article | None = None
    template: AnswerTemplate | None = None
    # The language tag of title and snippet when not the page's (an article with no
    # translation into it, on a public page: `search_translated`).
    lang: str | None = None


def highlight(text: str, terms: list[str], limit: int = SNIPPET_CHARS) -> Markup:
    """An escaped excerpt of ``text`` around the first term found, every term (also
    inside longer words) in ``<mark>``."""
    if not terms:
        return Markup(escape(text[:limit]))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - limit // 3)
    excerpt = text[start : start + limit]
    parts, last = [], 0
    for match in pattern.finditer(excerpt):
        parts.append(escape(excerpt[last : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % excerpt[match.start() : match.end()])
        last = match.end()
    parts.append(escape(excerpt[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + limit < len(text) else ""
    return Markup(prefix) + Markup("").join(parts) + Markup(suffix)


def include_name(name, type_, _parent_names) -> bool:
    """For Alembic's comparison with the models: the search indexes (the FTS5 table
    with its shadow tables; the generated tsvector column and the indexes) are made
    by migration 4b8d0f2c6e31 by hand and have no model."""
    if type_ == "table":
        return not (name or "").startswith(search_sqlite.FTS_TABLE)
    if type_ == "column":
        return name != search_pg.COLUMN
    return not (type_ == "index" and name in search_pg.INDEXES)


# --- the pieces of a word ------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def grams(word: str) -> tuple[str, ...]:
    """The overlapping `GRAM`-letter pieces of a word long enough to have them."""
    if len(word) < MIN_GRAM_WORD:
        return ()
    return tuple(dict.fromkeys(word[i : i + GRAM] for i in range(len(word) - GRAM + 1)))


def coverage(word: str, text: str) -> float:
    """The share of ``word``'s pieces (or the word itself, when short) in ``text``
    (both case-folded)."""
    pieces = grams(word) or (word,)
    return sum(1 for piece in pieces if piece in text) / len(pieces)


@functools.lru_cache(maxsize=1024)
def trigrams(word: str) -> frozenset[str]:
    """A word's trigrams as pg_trgm makes them: padded with two spaces before and
    one after, so that a word's beginning and end weigh a little more."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigram_share(word: str, text: str) -> float:
    """The share of ``word``'s trigrams among those of the words of ``text`` (both
    case-folded): pg_trgm's similarity measure, for either database."""
    have = frozenset().union(*(trigrams(w) for w in words(text, limit=40)))
    mine = trigrams(word)
    return len(mine & have) / len(mine)


def fuzzy_score(terms: list[str], title: str, summary: str) -> float:
    """How well an article's title (and, counting less, its summary) covers the
    words, 0–1: per word the best of its four-letter pieces' share and its
    trigrams' share in the title, and its pieces' share in the summary."""
    title, summary = title.casefold(), summary.casefold()
    scores = [
        max(
            coverage(t, title),
            trigram_share(t, title) if len(t) >= MIN_GRAM_WORD else 0.0,
            SUMMARY_WEIGHT * coverage(t, summary),
        )
        for t in terms
        if len(t) >= MIN_TERM
    ]
    return sum(scores) / len(scores) if scores else 0.0


def found_pieces(word: str, text: str) -> list[str]:
    """The longest runs of ``word``'s pieces found in ``text``: what to highlight
    of an approximate match ("sophämtnig" in "Hämtning" → "hämtni")."""
    pieces = grams(word)
    runs, start = [], None
    for i, piece in enumerate([*pieces, None]):
        if piece is not None and piece in text:
            start = i if start is None else start
        elif start is not None:
            runs.append(word[start : i - 1 + GRAM])
            start = None
    return runs


# --- articles ------------------------------------------------------------------


def _backend():
    return search_pg if db.session.get_bind().dialect.name == "postgresql" else search_sqlite


def _short_only(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """Only words under three letters: titles containing them all (no index helps)."""
    stmt = base.with_only_columns(Article.id).where(*[Article.title.ilike(f"%{t}%") for t in terms])
    return [(i, 1.0) for i in db.session.scalars(stmt.order_by(Article.title).limit(limit))]


def _approximate(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    long_words = [t for t in terms if len(t) >= MIN_GRAM_WORD][:MAX_FUZZY_WORDS]
    if not long_words:
        return []
    rows = _backend().candidates(base, long_words, CANDIDATES)
    # PostgreSQL's word similarity (over a stretch of the title, words joined) may
    # lift a score; on a tie the pieces' own measure decides.
    scored = []
    for article_id, title, summary, similarity in rows:
        own = fuzzy_score(terms, title, summary)
        score = max(own, similarity)
        if score >= FUZZY_THRESHOLD:
            scored.append((-min(score, 0.99), -own, article_id))
    scored.sort()
    return [(article_id, -score) for score, _, article_id in scored[:limit]]


def ranked_ids(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """(id, score) of the articles in ``base`` matching ``terms``, best first:
    exact matches (score 1–2), then approximate ones (below 1)."""
    usable = [t for t in terms if len(t) >= MIN_TERM]
    # "när töms soptunnan": a question's frequent words say nothing and would make
    # every word needed (exact) or weigh as misses (approximate); alone they count.
    usable = [t for t in usable if t not in STOP_WORDS] or usable
    if not usable:
        return _short_only(base, terms, limit) if terms else []
    exact = [(i, 1 + s / (1 + s)) for i, s in _backend().exact(base, usable, limit)]
    if len(exact) >= limit:
        return exact
    seen = {i for i, _ in exact}
    more = [pair for pair in _approximate(base, usable, limit) if pair[0] not in seen]
    return (exact + more)[:limit]


def snippet(article: Article, marks: list[str]) -> Markup:
    """The summary, or the part of the body where a match is when the summary has
    none (of an article, or of anything with a summary and a body)."""
    text = article.summary
    folded = text.casefold()
    if not text or not any(m in folded for m in marks):
        body = plain(article.body)
        if not text or any(m in body.casefold() for m in marks):
            text = body
    return highlight(text, marks)


def marks_for(terms: list[str], text: str) -> list[str]:
    """What to highlight in ``text``: the words found whole, else their pieces."""
    folded = text.casefold()
    marks = []
    for term in terms:
        marks += [term] if term in folded else found_pieces(term, folded)
    return marks


def _article_hits(base: Select, q: str, limit: int) -> list[Hit]:
    terms = words(q)
    ranked = ranked_ids(base, terms, limit)
    if not ranked:
        return []
    ids = [i for i, _ in ranked]
    found = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ids)))}
    hits = []
    for article_id, score in ranked:
        article = found[article_id]
        marks = marks_for(terms, f"{article.title} {article.summary} {article.body}")
        hits.append(
            Hit("article", article.id, article.title, snippet(article, marks), score, article)
        )
    return hits


# --- templates, and the public functions -----------------------------------------


def template_hits(user: User, q: str, limit: int = 10) -> list[Hit]:
    """The user's own templates and their groups' shared ones matching ``q``: every
    word in the name or text (score 1–2, a word in the name counting more), else
    approximately as articles are."""
    terms = words(q)
    if not terms:
        return []
    hits = []
    for template in queries.templates_for(user):
        name = template.name.casefold()
        haystack = f"{name} {template.body.casefold()}"
        if all(t in haystack for t in terms):
            score = 1 + 0.9 * sum(1 for t in terms if t in name) / len(terms)
        else:
            score = min(fuzzy_score(terms, template.name, template.body), 0.99)
            if score < FUZZY_THRESHOLD:
                continue
        marks = marks_for(terms, template.body)
        hits.append(
            Hit(
                "template",
                template.id,
                template.name,
                highlight(template.body, marks),
                score,
                template=template,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits[:limit]


def find_for_staff(
    user: User, q: str, *, category_id: int | None = None, limit: int = 20, record: bool = True
) -> list[Hit]:
    """Published articles ``user`` may read and their templates, ranked together."""
    base = queries.in_category(queries.published_for(user), category_id)
    hits = _article_hits(base, q, limit) + template_hits(user, q, limit)
    hits.sort(key=lambda h: -h.score)
    if record and not hits and words(q):
        services.record_miss(q, SearchScope.STAFF, category_id)
    return hits[:limit]


def find_public(
    q: str, *, category_id: int | None = None, limit: int = 20, record: bool = True
) -> list[Hit]:
    """Public, published articles."""
    hits = _article_hits(queries.in_category(queries.public(), category_id), q, limit)
    if record and not hits and words(q):
        services.record_miss(q, SearchScope.PUBLIC, category_id)
    return hits


def suggest(user: User | None, text: str, category_id: int | None, limit: int = 5) -> list[Article]:
    """Articles that may answer a question: those of its subject area whose text has
    the question's telling words, the rarer the better (``user`` None: public ones
    only). Nothing is recorded. Without a telling word, staff are shown the subject
    area's articles; a citizen is shown none (the question form then sends at once
    rather than offer answers that merely share the subject area)."""
    base = queries.public() if user is None else queries.published_for(user)
    base = queries.in_category(base, category_id)
    terms = [t for t in words(text, limit=20) if len(t) > 3 and t not in STOP_WORDS]
    if not terms:
        if user is None:
            return []
        return list(db.session.scalars(base.order_by(Article.title).limit(limit)))
    ranked = [i for i, _ in _backend().any_of(base, terms, limit)]
    if not ranked:
        return []
    found = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ranked)))}
    return [found[i] for i in ranked]
