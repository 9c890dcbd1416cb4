"""Administration of categories (ämnesområden)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import choices
from ..core.errors import InvalidChange
from ..core.vocabulary import GroupKind
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org import queries, services
from ..org.forms import CategoryForm
from ..org.models import Category, Group
from ..web import form_status, show_error
from .blueprint import bp, delete_view, get_or_404


@bp.get("/kategorier")
def categories():
    return render_template("admin/categories.html", categories=queries.categories())


def _category_data(form: CategoryForm) -> services.CategoryData:
    group_id = form.default_group_id.data
    return services.CategoryData(
        name=form.name.data,
        description=form.description.data,
        default_group=db.session.get(Group, group_id) if group_id else None,
        sla_hours=form.sla_hours.data,
        answer_sla_hours=form.answer_sla_hours.data,
        retention_months=form.retention_months.data,
        active=form.active.data,
        confidential=form.confidential.data,
    )


@bp.route("/kategorier/ny", methods=["GET", "POST"])
@bp.route("/kategorier/<int:category_id>/redigera", methods=["GET", "POST"])
def edit_category(category_id: int | None = None):
    category = get_or_404(Category, category_id) if category_id is not None else None
    form = CategoryForm(obj=category)
    form.default_group_id.choices = choices.groups(
        _l("None"),
        kind=GroupKind.ANSWER,
        current_id=category.default_group_id if category else None,
    )
    if form.validate_on_submit():
        try:
            saved = services.save_category(category, _category_data(form))
        except InvalidChange as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The subject area %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/category_form.html", form=form, category=category), form_status()


@bp.route("/kategorier/<int:category_id>/ta-bort", methods=["GET", "POST"])
def delete_category(category_id: int):
    category = get_or_404(Category, category_id)
    return delete_view(
        question=_("Delete the subject area %(name)s?", name=category.name),
        consequence=_("The subject area is deleted for good."),
        back=url_for("admin.edit_category", category_id=category.id),
        blocker=lambda: services.why_category_stays(category),
        delete=lambda: services.delete_category(category),
        done=_("The subject area %(name)s was deleted.", name=category.name),
        after=url_for("admin.categories"),
    )
