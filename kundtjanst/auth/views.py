"""Logging in and out."""

from __future__ import annotations

from functools import cache

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..main import home_for
from .forms import LoginForm
from .models import User

bp = Blueprint("auth", __name__)


@cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, so both paths take as long."""
    return generate_password_hash("no such user")


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.lower())
        )
        if user is None:
            check_password_hash(_dummy_hash(), form.password.data)
        elif user.active and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logga-ut")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))
