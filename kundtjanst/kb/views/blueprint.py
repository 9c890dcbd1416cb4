"""The knowledge pages' blueprint (staff only) and what its views share: loading an
article the user may read (404 otherwise: a confidential group's article is never
revealed), the labels, and a service's refusal put next to its field."""

from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask_babel import get_locale
from flask_login import current_user

from ...core.timeutil import local_today
from ...extensions import db
from ...forms import MAX_ID
from ...locales import tag
from .. import queries, translations
from ..forms import STATE, VISIBILITY
from ..models import Article

bp = Blueprint("kb", __name__)


@bp.before_request
def staff_only():
    """Every knowledge page: log in first."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


@bp.context_processor
def kb_template_values() -> dict:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return {
        "kb_state": STATE,
        "kb_visibility": VISIBILITY,
        "kb_language_name": translations.language_name,
        "kb_tag": tag,
        # The language the articles are written in, for the ``lang`` of their text; and
        # the same only when the page is in another (an English page), else None.
        "kb_article_lang": tag(default),
        "kb_other_lang": tag(default) if str(get_locale()) != default else None,
        "today": local_today(),
    }


def readable_or_404(article_id: int, *, for_update: bool = False) -> Article:
    """The article, if the user may read it; 404 for any other id."""
    if not 0 < article_id <= MAX_ID:
        abort(404)
    stmt = queries.readable(current_user).where(Article.id == article_id)
    if for_update:
        stmt = stmt.with_for_update(of=Article).execution_options(populate_existing=True)
    article = db.session.scalar(stmt)
    if article is None:
        abort(404)
    return article
