"""Subject areas, groups, the statistics and the public knowledge articles."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask.views import MethodView
from marshmallow import RAISE
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ...extensions import db
from ...forms import MAX_ID
from ...kb import queries as kb_queries
from ...kb.models import Article
from ...kb.render import to_html
from ...org.models import Category, Group
from ...replica import replica_reads
from ...stats.document import document
from ...stats.scope import select_from_request
from ...web import public_url
from .. import present
from ..auth import current_token, require
from ..blueprints import blueprint
from ..problems import invalid
from ..schemas.reference import (
    ArticleListArgsSchema,
    ArticleSchema,
    CategorySchema,
    GroupSchema,
    StatisticsArgsSchema,
    StatisticsSchema,
)

bp = blueprint("api-reference", "Subject areas, groups, statistics and public articles.")


@bp.route("/categories")
class Categories(MethodView):
    @bp.response(200, CategorySchema(many=True))
    @bp.doc(description="Any valid token. Every subject area.")
    def get(self):
        current_token()
        rows = db.session.scalars(
            select(Category).options(joinedload(Category.default_group)).order_by(Category.name)
        )
        return [
            {
                "id": c.id,
                "name": c.name,
                "description": c.description,
                "active": c.active,
                "confidential": c.confidential,
                "default_group": present.group(c.default_group),
            }
            for c in rows
        ]


@bp.route("/groups")
class Groups(MethodView):
    @bp.response(200, GroupSchema(many=True))
    @bp.doc(description="Any valid token. Kundtjänst and every answer group.")
    def get(self):
        current_token()
        return list(db.session.scalars(select(Group).order_by(Group.name)))


@dataclass(frozen=True)
class _Everyone:
    """An integration's token reads the figures as a manager does: every group."""

    is_manager: bool = True
    group_ids: frozenset = frozenset()


@bp.route("/statistics")
class Statistics(MethodView):
    @bp.arguments(StatisticsArgsSchema, location="query", unknown=RAISE)
    @bp.response(200, StatisticsSchema)
    @bp.doc(
        description="Scope stats:read. The figures of "
        "/statistik.json, under the same names and definitions. A user's token sees "
        "what the user sees on the dashboard; an integration's, every group.",
    )
    @replica_reads
    def get(self, args):
        token = require("stats:read")
        selection = select_from_request(token.user or _Everyone())
        if selection.errors:
            invalid(*(("query", e) for e in selection.errors))
        return document(selection)


def _article(a: Article) -> dict:
    return {
        "id": a.id,
        "title": a.title,
        "summary": a.summary,
        "body": a.body,
        "body_html": str(to_html(a.body)),
        "categories": [{"id": c.id, "name": c.name} for c in a.categories],
        "url": public_url("faq.article", article_id=a.id),
        "updated_at": a.updated_at,
    }


def _public():
    return kb_queries.public().options(selectinload(Article.categories))


@bp.route("/articles")
class Articles(MethodView):
    @bp.arguments(ArticleListArgsSchema, location="query", unknown=RAISE)
    @bp.response(200, ArticleSchema(many=True))
    @bp.doc(
        description="Scope kb:read. The published public articles "
        "(those on /fragor-och-svar), optionally of one subject area.",
    )
    def get(self, args):
        require("kb:read")
        stmt = kb_queries.in_category(_public(), args.get("category")).order_by(Article.title)
        return [_article(a) for a in db.session.scalars(stmt)]


@bp.route("/articles/<int:article_id>")
class ArticleResource(MethodView):
    @bp.response(200, ArticleSchema)
    @bp.doc(description="Scope kb:read. One public article.")
    def get(self, article_id):
        require("kb:read")
        if article_id > MAX_ID:
            abort(404)
        article = db.session.scalar(_public().where(Article.id == article_id))
        if article is None:
            abort(404)
        return _article(article)
