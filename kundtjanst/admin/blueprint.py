"""The administration blueprint and the helpers its views share."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, request
from sqlalchemy.exc import IntegrityError

from ..auth.services import MIN_PASSWORD_LENGTH
from ..errors import render_error
from ..extensions import db

bp = Blueprint("admin", __name__)

# Ids are PostgreSQL integers: a larger number in a URL is simply not there.
MAX_ID = 2**31 - 1

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


def show_error(form, field_name: str | None, message) -> None:
    """Put a service's error next to its field (or the first field) for the summary."""
    field = form._fields.get(field_name) if field_name else None
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors = [*field.errors, message]


def form_status() -> int:
    """A form shown again after a POST is shown because of errors: 400."""
    return 400 if request.method == "POST" else 200


@bp.context_processor
def admin_template_values() -> dict:
    return {"min_password_length": MIN_PASSWORD_LENGTH}
