"""Downloading an attachment: for staff, from the ticket page (whoever may read the
ticket: `tickets.queries.load` answers 404 to anyone else, kundtjänst included for a
confidential ticket it may not read); for the citizen, from the status page (the
status link is the key).

A file is always a download, never shown in the browser: ``Content-Disposition:
attachment`` with a safe name, the type read from its bytes (or octet-stream),
``nosniff``, and a Content-Security-Policy that lets nothing in it run, should a
browser open it anyway. A download from a confidential ticket is written to the audit
log like reading its page; every staff download counts as reading the ticket that day.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app
from flask_login import current_user, login_required

from ..audit import services as audit
from ..core.timeutil import local_today
from ..forms import MAX_ID, whole_number
from ..lazytext import lazy_gettext as _l
from ..tickets import queries as tickets
from . import queries, rules, storage
from .forms import hint
from .models import Attachment, Source

bp = Blueprint("attachments", __name__)

# Nothing in a served file may run or load anything, were it ever opened inline.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"

CHUNK = 1 << 16

SOURCES = {Source.WEB: _l("from the web form"), Source.EMAIL: _l("from e-mail")}


def _attachment(ticket_id: int, attachment_id: str) -> Attachment:
    number = whole_number(attachment_id, MAX_ID)
    found = queries.of_ticket(ticket_id, number) if number is not None else None
    if found is None:
        abort(404)
    return found


def _send(found: Attachment) -> Response:
    file_store, key = storage.store(), found.storage_key
    if not file_store.exists(key):
        # A row never names bytes that were not written; a lost disk is for the logs.
        current_app.logger.error("attachment %s: its file is missing", found.id)
        abort(404)

    def body():
        # Opened only once the server sends it, and closed when done or abandoned
        # (after the request's session has closed: nothing here reads the row).
        with file_store.open(key) as stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    response = Response(body(), mimetype=found.content_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = rules.content_disposition(found.filename)
    response.headers["Content-Length"] = str(found.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/arenden/<reference>/bilagor/<attachment_id>")
@login_required
def download(reference: str, attachment_id: str):
    ticket = tickets.load(current_user, reference)  # 404 unless the user may read it
    found = _attachment(ticket.id, attachment_id)
    if ticket.confidential:
        audit.record("ticket.attachment", target=ticket.reference, attachment=found.id)
    audit.ticket_read(ticket, current_user.id, local_today())
    return audit.committed(_send(found))


@bp.get("/arende/<token>/bilagor/<attachment_id>")
def citizen_download(token: str, attachment_id: str):
    ticket = tickets.by_status_token(token)  # 404 for an unknown or wiped link
    response = _send(_attachment(ticket.id, attachment_id))
    # The status link is in the URL: never pass it on.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.app_context_processor
def template_helpers() -> dict:
    """The ticket page, the status page and the receipt list a ticket's files."""
    return {
        "attachments_of": lambda ticket_id: queries.for_ticket(ticket_id),
        "attachment_source": lambda source: SOURCES.get(source, ""),
        "attachment_hint": hint,
    }


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    return rules.human_size(size)
