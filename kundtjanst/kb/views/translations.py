"""An article's translations: adding or changing one (no lost updates: the form
carries the translation's version it was filled in on, "0" for none), removing one
(after a question), and reading an earlier text of one. Whoever may change the article
changes its translations; every reader of the article reads them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core.errors import InvalidChange
from ...errors import render_error
from ...extensions import db
from ...forms import MAX_ID
from ...web import form_status, show_error
from .. import rules, translations
from ..forms import TranslationForm, TranslationRemoveForm
from ..models import Article, ArticleTranslation
from ..render import to_html
from .blueprint import bp, readable_or_404
from .edit import holds_personal_data

LANGUAGE_MAX = 12  # as long as a language code may be (`ArticleTranslation.language`)


def _editable_or_404(article_id: int, language: str) -> Article:
    """The article, if the user may read it and ``language`` is one it may be
    translated into (404 otherwise), and may change it (403 otherwise)."""
    article = readable_or_404(article_id, for_update=request.method == "POST")
    if language not in translations.languages():
        abort(404)
    if not rules.may_edit(current_user, article):
        abort(403)
    return article


def _initial(translation: ArticleTranslation | None) -> dict:
    if translation is None:
        return {"version": "0" if request.method == "GET" else None}
    return {
        "title": translation.title,
        "summary": translation.summary,
        "body": translation.body,
        # A form sent without its version is not given the current one.
        "version": str(translation.version) if request.method == "GET" else None,
    }


def _form_page(form, article, language, translation, status: int, refused: bool = False):
    return render_template(
        "kb/translation_form.html",
        form=form,
        article=article,
        language=language,
        language_name=translations.language_name(language),
        translation=translation,
        swedish_body=to_html(article.body, top=4),
        refused=refused,
    ), status


@bp.route("/kunskap/artiklar/<int:article_id>/oversattningar/<language>", methods=["GET", "POST"])
def edit_translation(article_id: int, language: str):
    article = _editable_or_404(article_id, language)
    translation = translations.get(article, language)
    form = TranslationForm(data=_initial(translation))
    valid = form.validate_on_submit()
    current = translation.version if translation else 0
    if form.is_submitted() and form.seen_version != current and "csrf_token" not in form.errors:
        # Filled in on another text (or before someone else added one): nothing saved,
        # what was written kept, the form now carrying the current version.
        form.version.data = str(current)
        return _form_page(form, article, language, translation, 409, refused=True)
    if valid and not holds_personal_data(form):
        fields = translations.TranslationFields(
            form.title.data or "", form.summary.data or "", form.body.data or ""
        )
        try:
            changed = translations.save(article, current_user, language, fields)
        except InvalidChange as error:
            db.session.rollback()
            show_error(form, error.field, str(error))
            article = _editable_or_404(article_id, language)
            translation = translations.get(article, language)
        else:
            db.session.commit()
            name = translations.language_name(language)
            if changed:
                flash(_("The translation into %(language)s was saved.", language=name), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(url_for("kb.article", article_id=article.id, _anchor="translations"))
    return _form_page(form, article, language, translation, form_status())


@bp.route(
    "/kunskap/artiklar/<int:article_id>/oversattningar/<language>/ta-bort",
    methods=["GET", "POST"],
)
def remove_translation(article_id: int, language: str):
    article = _editable_or_404(article_id, language)
    translation = translations.get(article, language)
    if translation is None:
        abort(404)
    shown = {"version": str(translation.version)} if request.method == "GET" else None
    form = TranslationRemoveForm(data=shown)
    page = {
        "article": article,
        "translation": translation,
        "language_name": translations.language_name(language),
        "form": form,
    }
    if request.method == "GET":
        return render_template("kb/translation_remove.html", **page)
    if not form.validate_on_submit():
        return render_error(400)
    if form.seen_version != translation.version:
        # Someone changed the translation since the question was shown: ask again.
        form.version.data = str(translation.version)
        return render_template("kb/translation_remove.html", refused=True, **page), 409
    name = translations.language_name(language)
    translations.remove(article, current_user, language)
    db.session.commit()
    flash(_("The translation into %(language)s was removed.", language=name), "success")
    return redirect(url_for("kb.article", article_id=article.id, _anchor="translations"))


@bp.get("/kunskap/artiklar/<int:article_id>/oversattningar/<language>/versioner/<int:number>")
def translation_version(article_id: int, language: str, number: int):
    article = readable_or_404(article_id)
    if len(language) > LANGUAGE_MAX or not 0 < number <= MAX_ID:
        abort(404)
    found = translations.version(article, language, number)
    if found is None:
        abort(404)
    current = translations.get(article, language)
    return render_template(
        "kb/translation_version.html",
        article=article,
        version=found,
        language_name=translations.language_name(language),
        current=current.version if current else None,
        body=to_html(found.body, top=3),
    )
