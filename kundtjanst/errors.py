"""Error pages: HTML for people, JSON for machine-readable URLs. A 500 rolls back.

Also the guards every request passes first: NUL in a URL is a 400, a body that is
no form (JSON, plain text …) is a 415 unless the blueprint is listed in
`BODIES_BEYOND_FORMS`, and a body over ``MAX_CONTENT_LENGTH`` is a 413 unless the
page takes files (`LARGER_BODIES`).
"""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        403: (_("Not allowed"), _("You do not have permission to do that.")),
        404: (_("Page not found"), _("There is nothing at this address.")),
        405: (_("Method not allowed"), _("That action is not possible on this page.")),
        409: (_("Conflict"), _("Someone else changed this at the same time. Please try again.")),
        413: (_("Too large"), _("What you sent is too large. Please shorten it and try again.")),
        415: (
            _("Not a form"),
            _("This page takes only what its forms send. Please use the form and try again."),
        ),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a while and try again.")),
        500: (_("Something went wrong"), _("An error occurred on our side. Please try again.")),
        503: (
            _("Temporarily unavailable"),
            _(
                "The service cannot be reached just now. Nothing you sent was saved; "
                "please try again in a minute."
            ),
        ),
    }


def wants_json() -> bool:
    return request.path.endswith(".json") or (request.accept_mimetypes.best == "application/json")


def render_error(code: int, detail: str | None = None):
    from .api import problems  # the API answers every error as problem details

    if problems.is_api_request():
        return problems.problem(code, detail)
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


# What an HTML form sends: the only request bodies the application reads.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# The allow-list: blueprint name -> the content types it reads besides forms. The
# API's blueprints add themselves (api/setup.py): they read JSON.
BODIES_BEYOND_FORMS: dict[str, frozenset[str]] = {}
_METHODS_WITH_BODIES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def sends_a_body() -> bool:
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or chunked or bool(request.content_type)


def refuse_other_bodies():
    """A body the page does not read is refused (415) before anything reads it: the
    forms, CSRF and the login throttle all read the form fields only, so a JSON
    body would otherwise reach the views unchecked. No URL or method matched: the
    usual 404 or 405."""
    if request.method not in _METHODS_WITH_BODIES or request.routing_exception is not None:
        return None
    accepted = FORM_TYPES | BODIES_BEYOND_FORMS.get(request.blueprint or "", frozenset())
    if sends_a_body() and request.mimetype not in accepted:
        return render_error(415)
    return None


# Pages whose forms take files: endpoint -> the configuration key of the largest body
# they read (above the attachments' total, so files over the limits are told so on
# the form; beyond it, the page's own 413).
LARGER_BODIES = {"intake.ask": "ATTACHMENT_REQUEST_BYTES"}


def allow_larger_bodies():
    """Set before anything reads the body (CSRF protection does). Only a multipart body
    carries files; its text parts stay within ``MAX_FORM_MEMORY_SIZE`` each."""
    key = LARGER_BODIES.get(request.endpoint or "")
    if key is not None and request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config[key]


def register(app: Flask) -> None:
    """Error pages and the request guards; called before any extension's hooks, so
    the guards run first (CSRF protection reads the body)."""
    app.before_request(refuse_nul_bytes)
    app.before_request(refuse_other_bodies)
    app.before_request(allow_larger_bodies)

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
        from .api import problems

        if problems.is_api_request():
            return problems.from_http_exception(error)
        detail = error.description if getattr(error, "show_detail", False) else None
        return render_error(error.code, detail)

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError):
        """A row changed between reading and saving it (its version moved on): nothing
        was saved. The ticket pages answer this themselves, with what changed."""
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_gone(error: DBAPIError):
        """The database cannot be reached (restarting, failing over) or is busy: a 503
        with a clear page, and a retry time, never a 500 with a trace — wherever it
        showed: connecting, loading the user, a query, the commit. Nothing of the
        request was committed. The page is drawn for nobody in particular (the menu of
        the signed-in user would ask the database again). The pool pings connections
        before use, so the next request after the database is back gets a fresh one."""
        current_app.logger.warning("Database unavailable: %s", type(error.orig or error).__name__)
        with suppress(Exception):  # the connection is gone: nothing to roll back on it
            db.session.rollback()
        login_manager._update_request_context_with_user()  # anonymous, from here on
        response = make_response(render_error(503))
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(InternalServerError)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)


def close_session(_error: BaseException | None = None) -> None:
    """The request's session ends here, before Flask-SQLAlchemy's own teardown
    (registered after it: teardowns run last-registered first). When the database cut
    the connection (a restart) the rollback on closing raises, after the answer was
    made: the connections are then dropped without a rollback, and the answer is sent
    rather than turned into a 500."""
    try:
        db.session.remove()
    except DBAPIError as error:
        current_app.logger.warning(
            "Database connection lost at the end of a request: %s",
            type(error.orig or error).__name__,
        )
        db.session().invalidate()
        db.session.remove()
