"""The learning loop's reasons: why kundtjänst could have answered."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..org.models import CouldReason
from ..permissions import admin_required
from . import services
from .blueprint import bp, form_status, get_or_404, show_error
from .forms import ReasonForm


@bp.get("/orsaker")
@admin_required
def reasons():
    found = list(db.session.scalars(select(CouldReason).order_by(CouldReason.name)))
    return render_template("admin/reasons.html", reasons=found)


@bp.route("/orsaker/ny", methods=["GET", "POST"])
@bp.route("/orsaker/<int:reason_id>/redigera", methods=["GET", "POST"])
@admin_required
def edit_reason(reason_id: int | None = None):
    reason = get_or_404(CouldReason, reason_id) if reason_id is not None else None
    form = ReasonForm(obj=reason)
    if form.validate_on_submit():
        try:
            saved = services.save_reason(reason, form.name.data, form.active.data)
        except services.AdminError as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The reason %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("admin.reasons"))
    return render_template("admin/reason_form.html", form=form, reason=reason), form_status()
