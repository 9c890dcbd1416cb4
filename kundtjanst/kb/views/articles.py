"""An article as staff read it: its text rendered (sanitised Markdown), its facts, its
translations and what its owners may do with it; its history (its translations'
too), and each earlier version."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from ...forms import MAX_ID
from .. import queries, rules, translations
from ..render import to_html
from .blueprint import bp, readable_or_404


def article_page(article, status: int = 200, **extra):
    return render_template(
        "kb/article.html",
        article=article,
        body=to_html(article.body, top=3),
        may_edit=rules.may_edit(current_user, article),
        may_publish=rules.may_publish(current_user, article),
        translations=translations.overview(article),
        **extra,
    ), status


@bp.get("/kunskap/artiklar/<int:article_id>")
def article(article_id: int):
    return article_page(readable_or_404(article_id))


@bp.get("/kunskap/artiklar/<int:article_id>/historik")
def history(article_id: int):
    article = readable_or_404(article_id)
    return render_template(
        "kb/history.html",
        article=article,
        versions=queries.versions(article),
        translation_versions=translations.versions(article),
        may_publish=rules.may_publish(current_user, article),
    )


@bp.get("/kunskap/artiklar/<int:article_id>/versioner/<int:number>")
def version(article_id: int, number: int):
    article = readable_or_404(article_id)
    if not 0 < number <= MAX_ID:
        abort(404)
    found = queries.version(article, number)
    if found is None:
        abort(404)
    return render_template(
        "kb/version.html",
        article=article,
        version=found,
        body=to_html(found.body, top=3),
        state=found.fields.get("state"),
        may_publish=rules.may_publish(current_user, article),
    )
