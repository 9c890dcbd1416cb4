"""Logging in and out."""

from __future__ import annotations

from functools import cache

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import locales
from ..audit import services as audit
from ..extensions import db
from ..web import home_for, local_path
from .forms import ChangePasswordForm, LanguageForm, LoginForm
from .models import User
from .services import MIN_PASSWORD_LENGTH, UserFieldError, choose_language
from .services import change_password as change_own_password
from .throttle import password_failed

bp = Blueprint("auth", __name__)


@cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, so both paths take as long."""
    return generate_password_hash("no such user")


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(
            select(User).where(func.lower(User.email) == form.email.data.lower())
        )
        # Throttled in throttle.py: a wrong password counts, for known and unknown
        # e-mails alike; an inactive user's password is checked too, to take as long.
        if user is None:
            check_password_hash(_dummy_hash(), form.password.data)
        elif user.check_password(form.password.data) and user.active:
            if user.password_needs_rehash:
                user.rehash_password(form.password.data)
            session.permanent = True  # ends after PERMANENT_SESSION_LIFETIME unused
            login_user(user)
            if user.language:
                session[locales.COOKIE] = user.language
            audit.record("auth.login", target=f"user:{user.id}")
            db.session.commit()
            return redirect(local_path(request.args.get("next")) or home_for(user))
        password_failed()
        _record_failed_login(user)
        form.password.errors.append(_("Wrong e-mail or password."))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


def _record_failed_login(user: User | None) -> None:
    """Who was tried, never what was typed: an unknown e-mail is not written down
    (it may be a mistyped password), nor is any password."""
    if user is None:
        audit.record("auth.login_failed", reason="unknown_email")
    else:
        reason = "wrong_password" if user.active else "inactive"
        audit.record("auth.login_failed", target=f"user:{user.id}", reason=reason)
    db.session.commit()


@bp.post("/logga-ut")
@login_required
def logout():
    # Every session of the user ends, this one and any copy of its cookie.
    current_user.end_sessions()
    audit.record("auth.logout", target=f"user:{current_user.id}")
    db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/konto", methods=["GET", "POST"])
@login_required
def account():
    """One's own account: the language one works in, and a link to the password."""
    offered = tuple(current_app.config["LANGUAGES"])
    form = LanguageForm(language=current_user.language or offered[0])
    form.language.choices = [(code, locales.name(code)) for code in offered]
    if form.validate_on_submit():
        try:
            choose_language(current_user._get_current_object(), form.language.data, offered)
        except UserFieldError as error:
            form.language.errors = [*form.language.errors, str(error)]
        else:
            db.session.commit()
            session[locales.COOKIE] = form.language.data
            with force_locale(form.language.data):
                flash(_("Your language has been saved."), "success")
            return redirect(url_for("auth.account"))
    status = 400 if form.errors else 200
    return render_template("auth/account.html", form=form), status


@bp.route("/konto/losenord", methods=["GET", "POST"])
@login_required
def change_password():
    """A user's own new password. Throttled like the login (throttle.py)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            change_own_password(user, form.current_password.data, form.new_password.data)
        except UserFieldError as error:
            if error.field == "current_password":
                password_failed()
            field = form[error.field]
            field.errors = [*field.errors, str(error)]
        else:
            login_user(user)  # this session goes on with the new session version
            db.session.commit()
            flash(
                _("Your password has been changed. You are logged out in every other browser."),
                "success",
            )
            return redirect(home_for(user))
    status = 400 if request.method == "POST" else 200
    page = render_template("auth/password.html", form=form, min_password_length=MIN_PASSWORD_LENGTH)
    return page, status
