"""API tokens (/admin/api): made (shown once), listed with their last use, revoked."""

from __future__ import annotations

from datetime import datetime, time

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..api import services
from ..api.errors import ApiError
from ..api.forms import TokenForm
from ..api.models import ApiToken
from ..auth.models import User
from ..core.timeutil import STOCKHOLM, utcnow
from ..extensions import db
from ..forms import ButtonForm
from ..web import form_status, show_error
from .blueprint import bp, get_or_404


def _tokens() -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.name, ApiToken.id)
        )
    )


@bp.route("/api", methods=["GET", "POST"])
def api_tokens():
    form = TokenForm()
    if form.validate_on_submit():
        user = db.session.get(User, form.user.data) if form.user.data else None
        expires = (
            datetime.combine(form.expires.data, time(23, 59, 59), STOCKHOLM)
            if form.expires.data
            else None
        )
        try:
            token, text = services.create_token(
                form.name.data,
                form.scopes.data or [],
                user=user,
                expires_at=expires,
                created_by=current_user,
            )
        except ApiError as error:
            db.session.rollback()
            show_error(form, error.field, str(error.message))
        else:
            db.session.commit()
            # Shown once, on this answer only: never cached, never in a redirect.
            response = make_response(
                render_template("admin/api_token_made.html", token=token, text=text)
            )
            response.headers["Cache-Control"] = "no-store"
            return response
    return (
        render_template(
            "admin/api_tokens.html", form=form, tokens=_tokens(), now=utcnow(), button=ButtonForm()
        ),
        form_status(),
    )


@bp.post("/api/<int:token_id>/aterkalla")
def revoke_api_token(token_id: int):
    token = get_or_404(ApiToken, token_id)
    if ButtonForm().validate_on_submit():
        services.revoke(token, current_user)
        db.session.commit()
        flash(_("The token %(name)s was revoked.", name=token.name), "success")
    return redirect(url_for("admin.api_tokens"))
