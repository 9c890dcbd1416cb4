"""The learning loop's reasons: why kundtjänst could have answered."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from .. import audit
from ..extensions import db
from ..forms import BaseForm, strip
from ..permissions import admin_required
from ..stats.models import CouldReason
from .blueprint import bp, form_status, get_or_404


class ReasonForm(BaseForm):
    name = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(_l("Write the reason.")), Length(max=120)],
    )
    active = BooleanField(_l("Active"), default=True)


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
        taken = db.session.scalar(
            select(CouldReason.id).where(
                func.lower(CouldReason.name) == form.name.data.lower(),
                CouldReason.id != (reason.id if reason else -1),
            )
        )
        if taken is not None:
            form.name.errors.append(_("There is already a reason with that name."))
        else:
            audited = ("name", "active")
            before = audit.fields(reason, audited) if reason else {}
            if reason is None:
                reason = CouldReason()
                db.session.add(reason)
            reason.name = form.name.data
            reason.active = form.active.data
            db.session.flush()
            audit.record_change("reason", reason.id, before, audit.fields(reason, audited))
            db.session.commit()
            flash(_("The reason %(name)s was saved.", name=reason.name), "success")
            return redirect(url_for("admin.reasons"))
    return render_template("admin/reason_form.html", form=form, reason=reason), form_status()
