"""Settings: targets and windows every manager's figures depend on."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..extensions import db
from ..forms import BaseForm
from ..permissions import admin_required
from ..settings import services as settings
from .blueprint import bp, form_status


def settings_form_class() -> type[BaseForm]:
    """A form with one number field per defined setting."""
    fields = {}
    for key, definition in settings.REGISTRY.items():
        fields[key] = IntegerField(
            definition.label,
            description=definition.help,
            validators=[
                InputRequired(_("Enter a number.")),
                NumberRange(definition.minimum, definition.maximum),
            ],
        )
    return type("SettingsForm", (BaseForm,), fields)


@bp.route("/installningar", methods=["GET", "POST"])
@admin_required
def settings_page():
    form = settings_form_class()(data={key: settings.get(key) for key in settings.REGISTRY})
    if form.validate_on_submit():
        for key in settings.REGISTRY:
            settings.put(key, form[key].data, current_user.id)
        db.session.commit()
        flash(_("The settings were saved."), "success")
        return redirect(url_for("admin.settings_page"))
    return render_template(
        "admin/settings.html", form=form, definitions=settings.REGISTRY
    ), form_status()
