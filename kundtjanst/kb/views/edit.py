"""Writing and changing articles: a new one, an edit (no lost updates: the form
carries the version it was filled in on, an older one is refused with 409 and what
was written kept), publishing, archiving, back to draft, restoring an earlier
version. Publishing, archiving and restoring go to the audit log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ... import choices
from ...audit import services as audit
from ...core.errors import InvalidChange
from ...core.personaldata import EMAIL, PERSONNUMMER, PHONE
from ...core.text import one_line
from ...errors import render_error
from ...extensions import db
from ...forms import MAX_ID, ButtonForm, choice, whole_number
from ...lazytext import lazy_gettext as _l
from ...org.models import Category, Group
from ...web import form_status, show_error
from .. import rules, services
from ..forms import STATE, ArticleForm, StateForm, TranslationForm
from ..models import Article, ArticleState, Visibility
from .articles import article_page
from .blueprint import bp, readable_or_404

AUDITED = {
    ArticleState.PUBLISHED: "kb.publish",
    ArticleState.ARCHIVED: "kb.archive",
    ArticleState.DRAFT: "kb.unpublish",
}


def _prepare(form: ArticleForm, article: Article | None) -> None:
    """The options: active subject areas and groups (and the article's own), and the
    states the user may choose."""
    form.categories.choices = choices.categories()
    offered = {c.value for c in form.categories.choices}
    for category in article.categories if article else ():
        if category.id not in offered:
            form.categories.choices.append(choice(category.id, category.name))
    form.group_id.choices = choices.groups(
        _l("Choose a group"), current_id=article.group_id if article else None
    )
    if article is None:
        may_publish = current_user.is_admin or bool(current_user.group_ids)
        states = [ArticleState.DRAFT] + ([ArticleState.PUBLISHED] if may_publish else [])
    elif rules.owns(current_user, article):
        states = list(ArticleState)
    else:
        states = [ArticleState.DRAFT]
    form.offer_states(states)


def _initial(article: Article | None) -> dict:
    if article is None:
        mine = current_user.answer_groups or sorted(current_user.groups, key=lambda g: g.name)
        return {"group_id": mine[0].id if mine else None, **_suggested()}
    return {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "categories": [c.id for c in article.categories],
        "group_id": article.group_id,
        "visibility": article.visibility.value,
        "state": article.state.value,
        "for_frontline": article.for_frontline,
        "review_on": article.review_on,
        # A form sent without its version is not given the current one.
        "version": str(article.version) if request.method == "GET" else None,
    }


def _suggested() -> dict:
    """What a link to a new article may suggest (the gap report's "write an article
    for this"): ``?category=<id>&title=<words>``. Only shown, never trusted: the form
    validates them like anything typed."""
    if request.method != "GET":
        return {}
    suggested = {}
    category_id = whole_number(request.args.get("category"), MAX_ID)
    if category_id is not None and db.session.get(Category, category_id) is not None:
        suggested["categories"] = [category_id]
    title = one_line(request.args.get("title", ""))[:200].strip()
    if title:
        suggested["title"] = title[:1].upper() + title[1:]
    return suggested


def _fields(form: ArticleForm) -> services.ArticleFields:
    ids = form.categories.data or []
    categories = db.session.scalars(select(Category).where(Category.id.in_(ids))) if ids else []
    return services.ArticleFields(
        title=form.title.data or "",
        summary=form.summary.data or "",
        body=form.body.data or "",
        group=db.session.get(Group, form.group_id.data),
        categories=list(categories),
        visibility=Visibility(form.visibility.data),
        state=ArticleState(form.state.data),
        for_frontline=bool(form.for_frontline.data),
        review_on=form.review_on.data,
        note=form.note.data,
    )


PERSONAL_KINDS = {
    PERSONNUMMER: _l("a personnummer"),
    EMAIL: _l("an e-mail address"),
    PHONE: _l("a phone number"),
}


def holds_personal_data(form: ArticleForm | TranslationForm) -> bool:
    """Articles hold no personal data: when the text looks as if it did (a
    personnummer, an e-mail address, a phone number that is not the municipality's or
    a group's own), nothing is saved and the form says what was found, until the
    writer removes it or confirms that it is not personal data."""
    if form.no_personal_data.data:
        return False
    found = services.personal_data(
        form.title.data or "", form.summary.data or "", form.body.data or ""
    )
    if not found:
        return False
    shown = "; ".join(f"{PERSONAL_KINDS[f.kind]} ({f.text})" for f in found[:5])
    form.no_personal_data.errors = [
        _(
            "The text seems to hold personal data: %(found)s. Articles are read by many "
            "and kept for years: remove it, or tick the box if it is not personal data "
            "(an office's own number, for example).",
            found=shown,
        )
    ]
    return True


def _form_page(form: ArticleForm, article: Article | None, status: int, refused: bool = False):
    confidential = [g.name for g in db.session.scalars(select(Group).where(Group.confidential))]
    return render_template(
        "kb/article_form.html",
        form=form,
        article=article,
        refused=refused,
        confidential_groups=confidential,
    ), status


def _audit_state(article: Article, before: ArticleState) -> None:
    if article.state != before:
        audit.record(AUDITED[article.state], target=f"article {article.id}"[:120])


@bp.route("/kunskap/artiklar/ny", methods=["GET", "POST"])
def new_article():
    form = ArticleForm(data=_initial(None))
    _prepare(form, None)
    if form.validate_on_submit() and not holds_personal_data(form):
        try:
            article = services.create_article(current_user, _fields(form))
        except InvalidChange as error:
            db.session.rollback()
            show_error(form, error.field, str(error))
        else:
            _audit_state(article, ArticleState.DRAFT)
            db.session.commit()
            flash(_("The article %(title)s was saved.", title=article.title), "success")
            return redirect(url_for("kb.article", article_id=article.id))
    return _form_page(form, None, form_status())


@bp.route("/kunskap/artiklar/<int:article_id>/andra", methods=["GET", "POST"])
def edit_article(article_id: int):
    article = readable_or_404(article_id, for_update=request.method == "POST")
    if not rules.may_edit(current_user, article):
        abort(403)
    form = ArticleForm(data=_initial(article))
    _prepare(form, article)
    valid = form.validate_on_submit()
    stale = form.seen_version != article.version
    if form.is_submitted() and stale and "csrf_token" not in form.errors:
        # Filled in on an older version: nothing saved, what was written kept, the
        # form now carrying the current version so that sending it again goes through.
        form.version.data = str(article.version)
        return _form_page(form, article, 409, refused=True)
    if valid and not holds_personal_data(form):
        before = article.state
        try:
            changed = services.update_article(article, current_user, _fields(form))
        except InvalidChange as error:
            db.session.rollback()
            show_error(form, error.field, str(error))
            article = readable_or_404(article_id)
        else:
            _audit_state(article, before)
            db.session.commit()
            if changed:
                flash(_("The article %(title)s was saved.", title=article.title), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("kb.article", article_id=article.id))
    return _form_page(form, article, form_status())


@bp.post("/kunskap/artiklar/<int:article_id>/tillstand")
def set_state(article_id: int):
    article = readable_or_404(article_id, for_update=True)
    if not rules.may_publish(current_user, article):
        abort(403)
    form = StateForm()
    if not form.validate_on_submit():
        return render_error(400)
    if form.seen_version != article.version:
        return article_page(article, 409, refused=True)
    before = article.state
    try:
        services.set_state(article, current_user, ArticleState(form.state.data))
    except InvalidChange as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("kb.article", article_id=article_id))
    _audit_state(article, before)
    db.session.commit()
    flash(_("The article is now: %(state)s.", state=STATE[article.state]), "success")
    return redirect(url_for("kb.article", article_id=article.id))


@bp.post("/kunskap/artiklar/<int:article_id>/versioner/<int:number>/aterstall")
def restore(article_id: int, number: int):
    article = readable_or_404(article_id, for_update=True)
    if not rules.may_publish(current_user, article):
        abort(403)
    if not 0 < number <= MAX_ID:
        abort(404)
    if not ButtonForm().validate_on_submit():
        return render_error(400)
    try:
        services.restore(article, current_user, number)
    except InvalidChange as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("kb.history", article_id=article_id))
    audit.record("kb.restore", target=f"article {article.id}", version=number)
    db.session.commit()
    flash(_("Version %(number)s was restored as a new version.", number=number), "success")
    return redirect(url_for("kb.article", article_id=article.id))
