"""Error pages: HTML for people, JSON for machine-readable URLs. A 500 rolls back."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        403: (_("Not allowed"), _("You do not have permission to do that.")),
        404: (_("Page not found"), _("There is nothing at this address.")),
        405: (_("Method not allowed"), _("That action is not possible on this page.")),
        409: (_("Conflict"), _("Someone else changed this at the same time. Please try again.")),
        413: (_("Too large"), _("What you sent is too large. Please shorten it and try again.")),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a while and try again.")),
        500: (_("Something went wrong"), _("An error occurred on our side. Please try again.")),
    }


def wants_json() -> bool:
    return request.path.endswith(".json") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, detail: str | None = None):
    title, text = _messages().get(code, (_("Error"), _("Something went wrong.")))
    if detail:
        text = detail
    if wants_json():
        return jsonify(error=title, message=text), code
    return render_template("errors/error.html", code=code, title=title, text=text), code


def refuse_nul_bytes():
    """NUL never belongs in a URL; PostgreSQL would refuse it deep inside a query.

    Form fields get a friendlier, field-level message from `forms.BaseForm`.
    """
    values = [request.path, *(k for k, _ in request.args.items(multi=True))]
    values += [v for _, v in request.args.items(multi=True)]
    if any("\x00" in v for v in values):
        return render_error(400)
    return None


def register(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            _(
                "The form had expired or was sent without its security token. "
                "Go back, reload the page and try again."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        db.session.rollback()
        detail = error.description if getattr(error, "show_detail", False) else None
        return render_error(error.code, detail)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError):
        """A row changed between reading and saving it (its version moved on): nothing
        was saved. The ticket pages answer this themselves, with what changed."""
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)
