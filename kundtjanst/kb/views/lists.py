"""/kunskap: one search box over articles and templates (ranked, matches marked), and
without a search the articles the user may read, by subject area and state, or their
groups' articles due for review."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ... import choices
from ...core.timeutil import local_today
from ...extensions import db
from ...lazytext import lazy_gettext as _l
from ...web import paginate
from .. import queries, search
from ..forms import FilterForm
from ..models import ArticleState
from .blueprint import bp


@bp.get("/kunskap")
def index():
    form = FilterForm(formdata=request.args)
    form.category.choices = choices.categories(_l("All subject areas"))
    valid = form.validate()
    q = (form.q.data or "") if valid else ""
    category_id = form.category.data if valid else None
    hits = page = None
    if q:
        # A search that finds nothing is recorded (its words only) for the gap report.
        hits = search.find_for_staff(current_user, q, category_id=category_id)
        db.session.commit()
    else:
        state = ArticleState(form.state.data) if valid and form.state.data else None
        review_by = local_today() if valid and form.review.data else None
        page = paginate(
            queries.listing(current_user, category_id=category_id, state=state, review_by=review_by)
        )
    status = 200 if valid else 400
    return render_template("kb/index.html", form=form, q=q, hits=hits, page=page), status
