"""Administration screens."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..permissions import admin_required

bp = Blueprint("admin", __name__)


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html")
