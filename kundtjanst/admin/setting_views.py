"""Settings: targets and windows every manager's figures depend on."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..settings import services as settings
from ..settings.forms import settings_form_class
from ..web import form_status
from .blueprint import bp


@bp.route("/installningar", methods=["GET", "POST"])
def settings_page():
    # A post names the settings it changes (one from before a setting was defined
    # leaves that one as it is); one naming none is refused with every field's error.
    sent = set(request.form) & set(settings.REGISTRY) if request.method == "POST" else set()
    form_class = settings_form_class(sent or None)
    form = form_class(data={key: settings.get(key) for key in settings.REGISTRY})
    if form.validate_on_submit():
        for key in settings.REGISTRY:
            if key in form:
                settings.put(key, form[key].data, current_user.id)
        db.session.commit()
        flash(_("The settings were saved."), "success")
        return redirect(url_for("admin.settings_page"))
    return render_template(
        "admin/settings.html", form=form, definitions=settings.REGISTRY
    ), form_status()
