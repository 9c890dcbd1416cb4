"""The start page, the public information pages and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from .web import home_for, local_path

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return render_template("main/start.html")


@bp.get("/tillganglighet")
def accessibility():
    return render_template("main/accessibility.html")


@bp.get("/personuppgifter")
def privacy():
    return render_template("main/privacy.html")


@bp.post("/sprak")
def language():
    """Switch the interface language (Swedish by default)."""
    lang = request.form.get("lang")
    if lang in ("sv", "en"):
        session["lang"] = lang
    return redirect(local_path(request.form.get("next")) or url_for("main.index"))
