"""The start page, the public information pages and the language switch."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

bp = Blueprint("main", __name__)


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None: a ``next`` from a form or
    a link must never send anyone elsewhere. Browsers read "/\\evil.example" and
    "/<tab>/evil.example" as "//evil.example", so backslashes and control characters
    are refused too (a line break would not even fit in the Location header)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(c < " " or c == "\x7f" for c in target):
        return None
    return target


def home_for(user) -> str:
    """Where a user lands after logging in."""
    if user.in_frontline:
        return url_for("tickets.inbox")
    if user.answer_groups:
        return url_for("tickets.queues")
    if user.is_manager:
        return url_for("stats.dashboard")
    return url_for("tickets.search")


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
