"""The learning loop's reasons: why kundtjänst could have answered."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..core.errors import InvalidChange
from ..extensions import db
from ..org import queries, services
from ..org.forms import ReasonForm
from ..org.models import CouldReason
from ..web import form_status, show_error
from .blueprint import bp, get_or_404


@bp.get("/orsaker")
def reasons():
    return render_template("admin/reasons.html", reasons=queries.reasons())


@bp.route("/orsaker/ny", methods=["GET", "POST"])
@bp.route("/orsaker/<int:reason_id>/redigera", methods=["GET", "POST"])
def edit_reason(reason_id: int | None = None):
    reason = get_or_404(CouldReason, reason_id) if reason_id is not None else None
    form = ReasonForm(obj=reason)
    if form.validate_on_submit():
        try:
            saved = services.save_reason(reason, form.name.data, form.active.data)
        except InvalidChange as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The reason %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("admin.reasons"))
    return render_template("admin/reason_form.html", form=form, reason=reason), form_status()
