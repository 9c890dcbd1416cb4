"""Claims nobody can work: tickets claimed by someone who was deactivated or left the
group, listed with one action that puts them all back in their groups' queues."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..forms import ButtonForm
from ..tickets import claims
from .blueprint import bp


@bp.route("/fastnade-arenden", methods=["GET", "POST"])
def stuck_claims():
    """GET: the list. POST: release them all."""
    if request.method == "GET":
        return render_template("admin/stuck_claims.html", tickets=claims.stuck())
    if ButtonForm().validate_on_submit():
        released = claims.release_stuck(current_user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d ticket is back in its queue.",
                "%(num)d tickets are back in their queues.",
                released,
            ),
            "success",
        )
    return redirect(url_for("admin.stuck_claims"))
