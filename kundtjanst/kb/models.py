"""Articles with their versions, answer templates, and what was done with them: uses
in replies, searches that found nothing, self-service answers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime, str_enum
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User
    from ..org.models import Category, Group


class Visibility(enum.StrEnum):
    INTERNAL = "internal"  # staff only
    PUBLIC = "public"  # also citizens, on /fragor-och-svar and the question form


class ArticleState(enum.StrEnum):
    DRAFT = "draft"  # proposed, not yet used anywhere
    PUBLISHED = "published"
    ARCHIVED = "archived"  # kept for its history, shown nowhere


class SearchScope(enum.StrEnum):
    STAFF = "staff"  # /kunskap and the suggestions
    PUBLIC = "public"  # /fragor-och-svar


article_categories = Table(
    "article_categories",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "category_id",
        ForeignKey("categories.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Article(db.Model):
    """A kunskapsartikel. Its owning group answers for its facts; its current text is
    here and every saved text (this one included) in `ArticleVersion`."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_state_visibility", "state", "visibility"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # The short answer: what an agent inserts into a reply, and citizens read first.
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, rendered sanitised
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    visibility: Mapped[Visibility] = mapped_column(
        str_enum(Visibility, "article_visibility"), default=Visibility.INTERNAL
    )
    state: Mapped[ArticleState] = mapped_column(
        str_enum(ArticleState, "article_state"), default=ArticleState.DRAFT
    )
    # A confidential group's internal article is read by its members only, and by
    # kundtjänst when the group marks it so.
    for_frontline: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    review_on: Mapped[date | None] = mapped_column(Date)
    # The review date the owners were last reminded of (a new date reminds again).
    reminded_for: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)  # the current version's number
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[Group] = relationship()
    categories: Mapped[list[Category]] = relationship(
        secondary=article_categories, order_by="Category.name"
    )
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    translations: Mapped[list[ArticleTranslation]] = relationship(
        back_populates="article", order_by="ArticleTranslation.language", passive_deletes=True
    )

    @property
    def published(self) -> bool:
        return self.state == ArticleState.PUBLISHED

    @property
    def public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title!r}>"


class ArticleVersion(db.Model):
    """One saved text of an article, never changed afterwards: who, when, what."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # Everything else the version had: visibility, state, group, categories, review.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(200))  # what changed, in the editor's words
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    changed_by: Mapped[User | None] = relationship()


class ArticleTranslation(db.Model):
    """An article's text in another of the citizens' languages (CITIZEN_LANGUAGES): the
    public pages read in that language show it instead of the Swedish. It has no state
    or visibility of its own: citizens read it exactly when they may read the article.
    Every saved text (this one included) is kept in `ArticleTranslationVersion`."""

    __tablename__ = "article_translations"
    __table_args__ = (UniqueConstraint("article_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, like the article's
    # Title, summary and body as plain, case-folded text: the public search's haystack.
    search_text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)  # its newest version's number
    # The article's version it was translated from: a later change of the Swedish
    # text makes it out of date (`translations.out_of_date`).
    source_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    article: Mapped[Article] = relationship(back_populates="translations")
    updated_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ArticleTranslation {self.article_id} {self.language} {self.title!r}>"


class ArticleTranslationVersion(db.Model):
    """One saved text of a translation, or its removal, never changed afterwards. The
    numbers go on across a removal: a translation added again continues them."""

    __tablename__ = "article_translation_versions"
    __table_args__ = (UniqueConstraint("article_id", "language", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(12))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    source_version: Mapped[int] = mapped_column(Integer)
    # The translation was removed (the text is what was removed).
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    changed_by: Mapped[User | None] = relationship()


class AnswerTemplate(db.Model):
    """A svarsmall: a short text with placeholders (`core.placeholders`), someone's own
    (``owner_id``) or shared in a group (``group_id``)."""

    __tablename__ = "answer_templates"
    __table_args__ = (
        CheckConstraint("(owner_id IS NULL) <> (group_id IS NULL)", name="personal_or_shared"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User | None] = relationship()
    group: Mapped[Group | None] = relationship()
    category: Mapped[Category | None] = relationship()

    def __repr__(self) -> str:
        return f"<AnswerTemplate {self.id} {self.name!r}>"


class KnowledgeUse(db.Model):
    """An article or a template used in what was written on a ticket (a reply, a
    closing answer, a finished contact)."""

    __tablename__ = "knowledge_uses"
    __table_args__ = (
        CheckConstraint(
            "(article_id IS NULL) <> (template_id IS NULL)", name="article_or_template"
        ),
        Index("ix_knowledge_uses_ticket", "ticket_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("answer_templates.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchMiss(db.Model):
    """A search that found nothing: the words only (`core.placeholders.miss_terms`
    drops anything that looks like personal data), for the gap report."""

    __tablename__ = "search_misses"
    __table_args__ = (Index("ix_search_misses_at", "searched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(String(200))
    scope: Mapped[SearchScope] = mapped_column(str_enum(SearchScope, "search_scope"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    searched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SelfServiceAnswer(db.Model):
    """A citizen on the question form said a public article answered them: no ticket,
    no personal data; counted apart from the first-contact share."""

    __tablename__ = "self_service_answers"
    __table_args__ = (Index("ix_self_service_answers_at", "answered_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
