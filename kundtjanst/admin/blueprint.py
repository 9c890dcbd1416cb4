"""The administration blueprint, its one guard (administrators only, for every page
under /admin), and the helpers its screens share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..auth.services import MIN_PASSWORD_LENGTH
from ..core.errors import InvalidChange
from ..errors import render_error
from ..extensions import db
from ..forms import (
    MAX_ID,  # ids are PostgreSQL integers: a larger one is simply not there
    ButtonForm,
)

bp = Blueprint("admin", __name__)


@bp.before_request
def administrators_only():
    """Every administration page: log in first, and be an administrator (403)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


Model = TypeVar("Model")


def get_or_404(model: type[Model], id_: int) -> Model:
    """The row with this id, or 404 (also for ids no integer column can hold)."""
    if not 0 < id_ <= MAX_ID:
        abort(404)
    found = db.session.get(model, id_)
    if found is None:
        abort(404)
    return found


@bp.errorhandler(IntegrityError)
def integrity_error(error: IntegrityError):
    """A constraint the checks did not foresee, or broken by a simultaneous change
    (two administrators saving the same name at once): a 409, never a 500."""
    db.session.rollback()
    return render_error(409)


def delete_view(
    *,
    question: str,
    consequence: str,
    back: str,
    delete: Callable[[], None],
    done: str,
    after: str,
    blocker: Callable[[], str | None] | None = None,
):
    """A Delete address. GET: the question, what deleting means, a button that
    deletes (a POST to the same address) and a way back; when something stops the
    deletion (``blocker()`` says what), the page says that instead. POST: ``delete()``, commit,
    flash ``done`` and go to ``after``; a refusal (`InvalidChange`) is flashed and
    leads back, with nothing deleted."""
    if request.method == "GET":
        return render_template(
            "admin/confirm_delete.html",
            question=question,
            consequence=consequence,
            back=back,
            blocker=blocker() if blocker else None,
        )
    if ButtonForm().validate_on_submit():
        try:
            delete()
        except InvalidChange as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(back)
        db.session.commit()
        flash(done, "success")
    return redirect(after)


@bp.context_processor
def admin_template_values() -> dict:
    return {"min_password_length": MIN_PASSWORD_LENGTH}
