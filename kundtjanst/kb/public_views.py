"""Questions and answers for citizens (/fragor-och-svar): the public, published
articles by subject area, a search over them, and each article on a page of its own.
Nothing here needs JavaScript or a login; everything else is a 404.

A page in another of the citizens' languages shows an article's translation into it
(`translations.in_language`), or else its Swedish text, marked ``lang="sv"`` and said
to be in Swedish only; the search finds the translations too (`search_translated`)."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import get_locale
from sqlalchemy.orm import selectinload

from .. import choices, locales
from ..extensions import db
from ..forms import MAX_ID
from ..lazytext import lazy_gettext as _l
from ..org.models import Category
from . import queries, search_translated, translations
from .models import Article
from .public_forms import PublicSearchForm
from .render import to_html

bp = Blueprint("faq", __name__)

# At most this many hits are shown for a search.
HITS = 20


def _language() -> str:
    return str(get_locale())


def by_category(
    category_id: int | None, language: str
) -> list[tuple[Category | None, list[translations.Reading]]]:
    """The public articles (of one subject area) as read in ``language``, grouped by
    their subject areas by name, each area's articles by the title shown; an article
    in several areas is in each, one in none under None, last."""
    stmt = queries.in_category(queries.public(), category_id).options(
        selectinload(Article.categories)
    )
    articles = list(db.session.scalars(stmt.order_by(Article.title, Article.id)))
    readings = translations.in_language(articles, language)
    if language != current_app.config["BABEL_DEFAULT_LOCALE"]:  # translated titles
        readings.sort(key=lambda r: (r.title.casefold(), r.article.id))
    grouped: dict[Category | None, list[translations.Reading]] = defaultdict(list)
    for reading in readings:
        areas = [c for c in reading.article.categories if category_id in (None, c.id)]
        for area in areas or [None]:
            grouped[area].append(reading)
    return sorted(grouped.items(), key=lambda pair: (pair[0] is None, pair[0] and pair[0].name))


@bp.get("/fragor-och-svar")
@locales.citizen_page
def index():
    form = PublicSearchForm(formdata=request.args)
    form.category.choices = choices.categories(_l("All subject areas"))
    valid = form.validate() if request.args else True
    q = (form.q.data or "") if valid else ""
    category_id = form.category.data if valid else None
    hits = None
    language = _language()
    if q.strip():
        hits = search_translated.find_public(
            q, language=language, category_id=category_id, limit=HITS
        )
        db.session.commit()  # a search that found nothing is recorded (its words only)
    sections = by_category(category_id, language) if hits is None else []
    chosen = db.session.get(Category, category_id) if category_id else None
    body = render_template(
        "faq/index.html", form=form, hits=hits, q=q, sections=sections, chosen=chosen
    )
    return body, (200 if valid else 400)


@bp.get("/fragor-och-svar/<int:article_id>")
@locales.citizen_page
def article(article_id: int):
    found = queries.get_public(article_id) if article_id <= MAX_ID else None
    if found is None:
        abort(404)
    [reading] = translations.in_language([found], _language())
    return render_template(
        "faq/article.html",
        article=found,
        reading=reading,
        body=to_html(reading.body),
        ask_category=_ask(found),
    )


def _ask(article: Article) -> int | None:
    """The subject area /fraga starts with from this article: its only active one."""
    active = [c for c in article.categories if c.active]
    return active[0].id if len(active) == 1 else None
