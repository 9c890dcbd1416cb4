"""Searching the knowledge base: one ranked list of articles and templates for staff
(`find_for_staff`), public articles for citizens (`find_public`), and suggestions
for a ticket (`suggest`). Searches a person made that found nothing are recorded
(`services.record_miss`) for the gap report; suggestions are not.

This first version matches every word with LIKE; the indexed Swedish search
(PostgreSQL full text and trigrams, SQLite FTS5) replaces `_article_ids` and keeps
the functions' signatures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from sqlalchemy import Select, and_, or_, select

from ..core.placeholders import words
from ..extensions import db
from . import queries, services
from .models import AnswerTemplate, Article, SearchScope
from .render import plain

if TYPE_CHECKING:
    from ..auth.models import User

SNIPPET_CHARS = 220


@dataclass(frozen=True)
class Hit:
    kind: str  # "article" or "template"
    id: int
    title: str
    snippet: Markup  # an excerpt around the first match, matches in <mark>
    score: float
    article: Article | None = None
    template: AnswerTemplate | None = None


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


def _word_condition(terms: list[str]):
    return and_(
        *[
            or_(
                Article.title.ilike(f"%{t}%"),
                Article.summary.ilike(f"%{t}%"),
                Article.body.ilike(f"%{t}%"),
            )
            for t in terms
        ]
    )


def _article_ids(base: Select, terms: list[str], limit: int) -> list[tuple[int, float]]:
    """(id, score) of the articles in ``base`` matching ``terms``, best first."""
    rows = db.session.execute(
        base.with_only_columns(Article.id, Article.title).where(_word_condition(terms)).limit(500)
    ).all()
    scored = [
        (row.id, float(sum(3 for t in terms if t in row.title.casefold()) + len(terms)))
        for row in rows
    ]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def _article_hits(base: Select, q: str, limit: int) -> list[Hit]:
    terms = words(q)
    if not terms:
        return []
    ranked = _article_ids(base, terms, limit)
    found = {
        a.id: a
        for a in db.session.scalars(select(Article).where(Article.id.in_([i for i, _ in ranked])))
    }
    hits = []
    for article_id, score in ranked:
        article = found[article_id]
        text = article.summary or plain(article.body)
        hits.append(
            Hit(
                "article",
                article.id,
                article.title,
                highlight(text, terms),
                score,
                article=article,
            )
        )
    return hits


def template_hits(user: User, q: str, limit: int = 10) -> list[Hit]:
    terms = words(q)
    if not terms:
        return []
    hits = []
    for template in queries.templates_for(user):
        haystack = f"{template.name} {template.body}".casefold()
        if all(t in haystack for t in terms):
            score = float(sum(3 for t in terms if t in template.name.casefold()) + len(terms))
            hits.append(
                Hit(
                    "template",
                    template.id,
                    template.name,
                    highlight(template.body, terms),
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
    """Articles that may answer a question: those of its subject area that share the
    most words with ``text`` (``user`` None: public ones only). Nothing is recorded."""
    base = queries.public() if user is None else queries.published_for(user)
    base = queries.in_category(base, category_id)
    terms = [t for t in words(text, limit=20) if len(t) > 3]
    if not terms:
        return list(db.session.scalars(base.order_by(Article.title).limit(limit)))
    by_id: dict[int, float] = {}
    for term in terms:
        for article_id, score in _article_ids(base, [term], 50):
            by_id[article_id] = by_id.get(article_id, 0) + score
    ranked = sorted(by_id, key=lambda i: (-by_id[i], i))[:limit]
    if not ranked:
        return []
    found = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ranked)))}
    return [found[i] for i in ranked]
