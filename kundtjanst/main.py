"""The start page, the public information pages and the language switch."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from . import locales
from .web import home_for, local_path

bp = Blueprint("main", __name__)


@bp.get("/")
@locales.citizen_page
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("main/start.html")


@bp.get("/tillganglighet")
@locales.citizen_page
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/personuppgifter")
@locales.citizen_page
def privacy():
    return render_template("main/privacy.html")


@bp.get("/sprak/<code>")
def language(code: str):
    """A language link: remember the language in a cookie and go back to the page the
    link was on (``next``, a path on this site), now in that language."""
    if code not in locales.all_languages():
        abort(404)
    response = redirect(local_path(request.args.get("next")) or url_for("main.index"))
    response.set_cookie(
        locales.COOKIE,
        code,
        max_age=locales.COOKIE_SECONDS,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
