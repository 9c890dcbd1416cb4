"""Articles in the citizens' other languages: adding, changing and removing a
translation (flush, never commit, like `services`), what a public page shows of an
article in its language, and what staff see of an article's translations.

A translation follows its article: the public pages show it exactly when they show the
article (published and public: `queries.public`), so it has no state or visibility of
its own, and whoever may change the article changes its translations
(`rules.may_edit`). Every save and every removal is a new `ArticleTranslationVersion`;
the translation remembers the article's version it was made from, so staff see when
the Swedish text has changed since."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..core.errors import InvalidChange
from ..core.timeutil import utcnow
from ..extensions import db
from ..locales import tag
from . import queries, rules
from .models import Article, ArticleTranslation, ArticleTranslationVersion
from .render import plain

if TYPE_CHECKING:
    from ..auth.models import User


@dataclass
class TranslationFields:
    """What an editor (or an import) gives for a translation."""

    title: str
    summary: str = ""
    body: str = ""


def languages() -> tuple[str, ...]:
    """The languages an article may be translated into: the citizens' languages but
    the default one, the articles' own."""
    config = current_app.config
    return tuple(c for c in config["CITIZEN_LANGUAGES"] if c != config["BABEL_DEFAULT_LOCALE"])


def language_name(code: str, *, capital: bool = False) -> str:
    """A language's name in the page's language, as written inside a sentence
    ("engelska" on a Swedish page); with ``capital``, as at its beginning."""
    try:
        text = (
            Locale.parse(code).get_display_name(
                get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]
            )
            or code
        )
    except (ValueError, UnknownLocaleError):
        text = code
    return text[:1].upper() + text[1:] if capital else text


def search_text(title: str, summary: str, body: str) -> str:
    """The public search's haystack: the words a citizen reads, case-folded."""
    return f"{title}\n{summary}\n{plain(body)}".casefold()


# --- changes ------------------------------------------------------------------------


def get(article: Article, language: str) -> ArticleTranslation | None:
    return db.session.scalar(
        select(ArticleTranslation).where(
            ArticleTranslation.article_id == article.id, ArticleTranslation.language == language
        )
    )


def _may_change(actor: User | None, article: Article, language: str) -> None:
    if actor is not None and not rules.may_edit(actor, article):
        raise InvalidChange(_("You may not change this article."))
    if language not in languages():
        raise InvalidChange(_("Articles are not translated into that language."))


def _next_number(article: Article, language: str) -> int:
    """The next version number of the article's translation into ``language``: the
    numbers go on after a removal."""
    last = db.session.scalar(
        select(func.max(ArticleTranslationVersion.number)).where(
            ArticleTranslationVersion.article_id == article.id,
            ArticleTranslationVersion.language == language,
        )
    )
    return (last or 0) + 1


def _snapshot(translation: ArticleTranslation, actor: User | None, *, removed: bool) -> None:
    db.session.add(
        ArticleTranslationVersion(
            article_id=translation.article_id,
            language=translation.language,
            number=translation.version,
            title=translation.title,
            summary=translation.summary,
            body=translation.body,
            source_version=translation.source_version,
            removed=removed,
            changed_at=utcnow(),
            changed_by_id=actor.id if actor else None,
        )
    )


def save(article: Article, actor: User | None, language: str, fields: TranslationFields) -> bool:
    """Add or change the article's translation into ``language`` (``actor`` None: an
    import). False, and nothing written, when the text is the same and was made from
    the article's current version; the same text saved after the article changed is a
    new version, made from the current one (the translator says that it still holds)."""
    _may_change(actor, article, language)
    title, summary, body = fields.title.strip(), fields.summary.strip(), fields.body.strip()
    if not title:
        raise InvalidChange(_("Write a title."), "title")
    if not (summary or body):
        raise InvalidChange(_("Write the short answer or the text."), "summary")
    translation = get(article, language)
    if translation is not None:
        same = (translation.title, translation.summary, translation.body) == (title, summary, body)
        if same and translation.source_version == article.version:
            return False
    number = _next_number(article, language)  # asked first: a query flushes the session
    if translation is None:
        translation = ArticleTranslation(article_id=article.id, language=language)
    translation.title, translation.summary, translation.body = title, summary, body
    translation.search_text = search_text(title, summary, body)
    translation.version = number
    translation.source_version = article.version
    translation.updated_at = utcnow()
    translation.updated_by_id = actor.id if actor else None
    db.session.add(translation)
    db.session.flush()
    _snapshot(translation, actor, removed=False)
    db.session.flush()
    return True


def remove(article: Article, actor: User | None, language: str) -> None:
    """Remove the article's translation into ``language``: its pages in that language
    show the Swedish text again. Its history stays, with the removal as a version."""
    _may_change(actor, article, language)
    translation = get(article, language)
    if translation is None:
        raise InvalidChange(_("There is no such translation."))
    translation.version = _next_number(article, language)
    _snapshot(translation, actor, removed=True)
    db.session.delete(translation)
    db.session.flush()


# --- reading ------------------------------------------------------------------------


def out_of_date(article: Article, translation: ArticleTranslation) -> bool:
    """The Swedish title, short answer or text changed after the translation was made."""
    source = queries.version(article, translation.source_version)
    if source is None:
        return False
    return (source.title, source.summary, source.body) != (
        article.title,
        article.summary,
        article.body,
    )


@dataclass(frozen=True)
class Overview:
    """One language on an article's staff page: its translation, if there is one."""

    language: str
    name: str
    translation: ArticleTranslation | None
    out_of_date: bool


def overview(article: Article) -> list[Overview]:
    """Every language the article may be translated into, with its translation. One
    into a language no longer offered (CITIZEN_LANGUAGES changed) is kept, shown
    nowhere, until the language is offered again."""
    have = {t.language: t for t in article.translations}
    return [
        Overview(
            code,
            language_name(code, capital=True),
            have.get(code),
            code in have and out_of_date(article, have[code]),
        )
        for code in languages()
    ]


def versions(article: Article) -> list[ArticleTranslationVersion]:
    return list(
        db.session.scalars(
            select(ArticleTranslationVersion)
            .where(ArticleTranslationVersion.article_id == article.id)
            .order_by(
                ArticleTranslationVersion.changed_at.desc(), ArticleTranslationVersion.id.desc()
            )
        )
    )


def version(article: Article, language: str, number: int) -> ArticleTranslationVersion | None:
    return db.session.scalar(
        select(ArticleTranslationVersion).where(
            ArticleTranslationVersion.article_id == article.id,
            ArticleTranslationVersion.language == language,
            ArticleTranslationVersion.number == number,
        )
    )


@dataclass(frozen=True)
class Reading:
    """What a citizen reads of an article on a page in some language: its translation,
    or else its own text, with ``lang`` the tag of the language that text is in
    (None: the page's own language)."""

    article: Article
    title: str
    summary: str
    body: str
    updated_at: datetime
    lang: str | None = None


def of_language(article_ids: Sequence[int], language: str) -> dict[int, ArticleTranslation]:
    """The translations into ``language`` of the given articles, by article id. The
    caller has chosen the articles (`queries.public` for citizens)."""
    if not article_ids or language not in languages():
        return {}
    rows = db.session.scalars(
        select(ArticleTranslation).where(
            ArticleTranslation.language == language,
            ArticleTranslation.article_id.in_(list(article_ids)),
        )
    )
    return {t.article_id: t for t in rows}


def in_language(articles: Sequence[Article], language: str) -> list[Reading]:
    """The articles as a page in ``language`` shows them (one query)."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    other = None if language == default else tag(default)
    found = of_language([a.id for a in articles], language)
    readings = []
    for a in articles:
        t = found.get(a.id)
        readings.append(
            Reading(a, t.title, t.summary, t.body, t.updated_at)
            if t is not None
            else Reading(a, a.title, a.summary, a.body, a.updated_at, other)
        )
    return readings
