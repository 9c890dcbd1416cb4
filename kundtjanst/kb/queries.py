"""Reading the knowledge base. `readable` is the one filter every staff listing of
articles goes through (secrecy as a query, like `permissions.ticket_scope`);
`public` the one for citizens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from ..extensions import db
from ..org.models import Group
from .models import (
    AnswerTemplate,
    Article,
    ArticleState,
    ArticleVersion,
    Visibility,
    article_categories,
)

if TYPE_CHECKING:
    from ..auth.models import User


def frontline_condition() -> ColumnElement[bool]:
    """Articles every kundtjänst agent may read: of an open group, public, or marked
    for kundtjänst by their confidential group."""
    return or_(
        Article.group_id.in_(select(Group.id).where(Group.confidential.is_(False))),
        Article.visibility == Visibility.PUBLIC,
        Article.for_frontline.is_(True),
    )


def readable_condition(user: User) -> ColumnElement[bool]:
    """Articles ``user`` may read (`rules.may_read` as SQL)."""
    open_group = select(Group.id).where(Group.confidential.is_(False))
    mine = list(user.group_ids)
    own = Article.group_id.in_(mine) if mine else false()
    if user.in_frontline:
        return or_(frontline_condition(), own)
    return or_(Article.group_id.in_(open_group), Article.visibility == Visibility.PUBLIC, own)


def readable(user: User) -> Select:
    return select(Article).where(readable_condition(user))


def published_for(user: User) -> Select:
    """What staff use in answers: published and readable."""
    return readable(user).where(Article.state == ArticleState.PUBLISHED)


def public_condition() -> ColumnElement[bool]:
    return and_(Article.state == ArticleState.PUBLISHED, Article.visibility == Visibility.PUBLIC)


def public() -> Select:
    return select(Article).where(public_condition())


def in_category(stmt: Select, category_id: int | None) -> Select:
    if category_id is None:
        return stmt
    return stmt.where(
        Article.id.in_(
            select(article_categories.c.article_id).where(
                article_categories.c.category_id == category_id
            )
        )
    )


def get_readable(user: User, article_id: int) -> Article | None:
    return db.session.scalar(readable(user).where(Article.id == article_id))


def get_public(article_id: int) -> Article | None:
    return db.session.scalar(public().where(Article.id == article_id))


def versions(article: Article) -> list[ArticleVersion]:
    return list(
        db.session.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article.id)
            .order_by(ArticleVersion.number.desc())
        )
    )


def version(article: Article, number: int) -> ArticleVersion | None:
    return db.session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article.id, ArticleVersion.number == number
        )
    )


def templates_for(user: User, category_id: int | None = None) -> list[AnswerTemplate]:
    """The templates ``user`` may use: their own, then their groups' shared ones;
    those of ``category_id`` (or of no subject area) first when it is given."""
    mine = list(user.group_ids)
    stmt = select(AnswerTemplate).where(
        or_(
            AnswerTemplate.owner_id == user.id,
            AnswerTemplate.group_id.in_(mine) if mine else false(),
        )
    )
    if category_id is not None:
        stmt = stmt.order_by(
            (AnswerTemplate.category_id == category_id).desc(),
            AnswerTemplate.category_id.is_(None).desc(),
        )
    return list(db.session.scalars(stmt.order_by(AnswerTemplate.name, AnswerTemplate.id)))


def template_for(user: User, template_id: int) -> AnswerTemplate | None:
    return next((t for t in templates_for(user) if t.id == template_id), None)


def review_due(today) -> Select:
    """Published articles whose review date has come and whose owners have not been
    reminded of that date yet."""
    return select(Article).where(
        Article.state == ArticleState.PUBLISHED,
        Article.review_on.is_not(None),
        Article.review_on <= today,
        or_(Article.reminded_for.is_(None), Article.reminded_for != Article.review_on),
    )


def count(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def listing(
    user: User,
    *,
    category_id: int | None = None,
    state: ArticleState | None = None,
    review_by=None,
) -> Select:
    """The staff's list of articles (`readable` only): of a subject area, in a state
    (None: published and drafts), or — ``review_by`` a date — the user's groups'
    articles whose review date has come by then, the oldest date first."""
    stmt = in_category(readable(user), category_id)
    if review_by is not None:
        mine = list(user.group_ids)
        return stmt.where(
            Article.group_id.in_(mine) if mine else false(),
            Article.state != ArticleState.ARCHIVED,
            Article.review_on.is_not(None),
            Article.review_on <= review_by,
        ).order_by(Article.review_on, Article.id)
    if state is None:
        stmt = stmt.where(Article.state != ArticleState.ARCHIVED)
    else:
        stmt = stmt.where(Article.state == state)
    return stmt.order_by(Article.updated_at.desc(), Article.id.desc())
