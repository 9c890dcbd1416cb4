"""Small helpers every feature's views share: paging, safe redirects, the start page
of a user. Web layer only: services and the core never import this."""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from .extensions import db
from .forms import whole_number

# The highest page anyone may ask for; beyond it, page 1 (a list that long is searched,
# not paged through).
MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query parameter, or 1 when missing or nonsense."""
    return whole_number(request.args.get("page", "1"), MAX_PAGE) or 1


def paginate(stmt: Select) -> Pagination:
    """One page of ``stmt`` (the ``page`` parameter, ``PAGE_SIZE`` rows); an empty page,
    never a 404, past the end."""
    return db.paginate(
        stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )


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


def public_url(endpoint: str, **values) -> str:
    """An address for people outside: ``KUNDTJANST_BASE_URL`` and the path, never the
    request's Host header (which a client chooses)."""
    path = url_for(endpoint, **values)
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root):
        path = path[len(root) :]
    return current_app.config["BASE_URL"].rstrip("/") + path


def form_status() -> int:
    """A form shown again after a POST is shown because of errors: 400."""
    return 400 if request.method == "POST" else 200


def show_error(form, field_name: str | None, message) -> None:
    """Put a service's refusal next to its field (or the first field) for the summary."""
    field = form._fields.get(field_name) if field_name else None
    if field is None:
        field = next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    field.errors = [*field.errors, message]
