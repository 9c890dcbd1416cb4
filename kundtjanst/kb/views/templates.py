"""Answer templates (svarsmallar): the user's own and their groups' shared ones,
written, changed and deleted here, used on the ticket page and "Ny kontakt"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ... import choices
from ...core.errors import InvalidChange
from ...extensions import db
from ...forms import MAX_ID, ButtonForm
from ...lazytext import lazy_gettext as _l
from ...org.models import Category, Group
from ...web import form_status, show_error
from .. import queries, rules, services
from ..forms import TemplateForm, placeholder_list
from ..models import AnswerTemplate
from .blueprint import bp


def _template_or_404(template_id: int) -> AnswerTemplate:
    """A template the user may change; 404 for every other id (another person's own
    template is not theirs to see)."""
    if not 0 < template_id <= MAX_ID:
        abort(404)
    template = db.session.get(AnswerTemplate, template_id)
    if template is None or not rules.may_edit_template(current_user, template):
        abort(404)
    return template


def _prepare(form: TemplateForm, template: AnswerTemplate | None) -> None:
    """Shared in one of the user's groups (an administrator: any active group), or
    in none; the template's own group stays offered."""
    if current_user.is_admin:
        groups = list(db.session.scalars(select(Group).where(Group.active.is_(True))))
    else:
        groups = [g for g in current_user.groups if g.active]
    if template is not None and template.group is not None and template.group not in groups:
        groups.append(template.group)
    form.group_id.choices = choices.of(
        sorted(groups, key=lambda g: g.name), _l("No one else: my own template")
    )
    form.category_id.choices = choices.categories(
        _l("Any subject area"), current_id=template.category_id if template else None
    )


@bp.get("/kunskap/mallar")
def templates():
    mine = queries.templates_for(current_user)
    return render_template(
        "kb/templates.html",
        own=[t for t in mine if t.owner_id is not None],
        shared=[t for t in mine if t.group_id is not None],
    )


@bp.route("/kunskap/mallar/ny", methods=["GET", "POST"])
@bp.route("/kunskap/mallar/<int:template_id>/andra", methods=["GET", "POST"])
def edit_template(template_id: int | None = None):
    template = _template_or_404(template_id) if template_id is not None else None
    form = TemplateForm(obj=template)
    _prepare(form, template)
    if form.validate_on_submit():
        group_id, category_id = form.group_id.data, form.category_id.data
        try:
            saved = services.save_template(
                template,
                current_user,
                name=form.name.data,
                body=form.body.data,
                group=db.session.get(Group, group_id) if group_id else None,
                category=db.session.get(Category, category_id) if category_id else None,
            )
        except InvalidChange as error:
            db.session.rollback()
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The template %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("kb.templates", _anchor=f"template-{saved.id}"))
    return render_template(
        "kb/template_form.html", form=form, template=template, placeholders=placeholder_list()
    ), form_status()


@bp.route("/kunskap/mallar/<int:template_id>/ta-bort", methods=["GET", "POST"])
def delete_template(template_id: int):
    template = _template_or_404(template_id)
    if request.method == "GET":
        return render_template("kb/template_delete.html", template=template)
    if ButtonForm().validate_on_submit():
        name = template.name
        try:
            services.delete_template(template, current_user)
        except InvalidChange as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("kb.templates"))
        db.session.commit()
        flash(_("The template %(name)s was deleted.", name=name), "success")
    return redirect(url_for("kb.templates"))
