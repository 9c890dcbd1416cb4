"""The API's reference page (/api/v1/docs): the OpenAPI document made readable, on the
server, from our own templates and stylesheet (no CDN, no script)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from .. import reference
from ..setup import EXTENSION

bp = Blueprint("apiref", __name__)


@bp.get("/api")
@bp.get("/api/v1")
@bp.get("/api/v1/")
def home():
    return redirect(url_for("apiref.page"))


@bp.get("/api/v1/docs")
def page():
    spec = current_app.extensions[EXTENSION].spec.to_dict()
    return render_template(
        "api/reference.html",
        spec=spec,
        groups=reference.operations(spec),
        schemas=reference.schemas(spec),
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        heading=reference.heading,
    )
