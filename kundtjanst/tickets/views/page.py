"""The ticket page, and the one path every action on it goes through (`act`): load the
ticket for the action, locked (`queries.load`: 404, changed meanwhile, 403), validate
the form, apply one service, commit once.

No lost updates: every action form carries the ticket version it was shown with. A
form filled in on an older version saves nothing and gets the page again with 409,
what changed since, and what was written (`conflicts`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from ...audit import services as audit
from ...core.timeutil import local_today
from ...errors import render_error
from ...extensions import db
from ...kb import panel as kb_panel
from ...mail import queries as mail_queries
from ...permissions import Action, allowed, can_view
from ...web import page_arg
from .. import conflicts, queries, repeat
from ..errors import TicketError
from ..forms import (
    EscalateForm,
    LiftSecrecyForm,
    NoteForm,
    ReleaseForm,
    ReopenForm,
    RepeatForm,
    ReplyForm,
    ResolveForm,
    StatusLinkForm,
    TicketActionForm,
    TransferForm,
)
from ..models import Ticket
from .blueprint import bp

# The action forms on the ticket page, by the name the template knows each by, and
# the action each one does.
ACTION_FORMS: dict[str, tuple[type[TicketActionForm], Action]] = {
    "reply_form": (ReplyForm, Action.REPLY),
    "note_form": (NoteForm, Action.NOTE),
    "escalate_form": (EscalateForm, Action.ESCALATE),
    "transfer_form": (TransferForm, Action.TRANSFER),
    "resolve_form": (ResolveForm, Action.RESOLVE),
    "release_form": (ReleaseForm, Action.RELEASE),
    "repeat_form": (RepeatForm, Action.CONFIRM_REPEAT),
    "reopen_form": (ReopenForm, Action.REOPEN),
    "link_form": (StatusLinkForm, Action.NEW_STATUS_LINK),
    "lift_form": (LiftSecrecyForm, Action.LIFT_SECRECY),
}


def render_ticket(
    ticket: Ticket,
    status: int = 200,
    refused: tuple[str, TicketActionForm] | None = None,
    knowledge: kb_panel.Panel | None = None,
    **forms,
):
    """The ticket page. Showing a confidential ticket is recorded in the audit log
    and committed with the page (also when a form is shown again with errors).

    ``refused`` is (name, form) of a form not saved because the ticket changed since
    it was shown (or it said no version): the page says so and lists what changed.
    Every action form goes out carrying the ticket's current version. ``knowledge``
    is the knowledge panel as a search or an insert left it (else its suggestions).
    """
    user = current_user._get_current_object()
    # What this person may do here, asked once (`permissions.RULES`); the template's
    # `may(action, ticket)` reads the answers.
    permitted = {action: allowed(action, user, ticket) for action in Action}
    # Before the forms are given the current version: what changed since theirs.
    refusal = _refusal(ticket, refused)
    action_forms = {}
    for name, (form_cls, action) in ACTION_FORMS.items():
        given = forms.get(name)
        form = given or form_cls(formdata=None)
        form.version.data = str(ticket.version)
        if permitted[action]:  # only the forms this person is shown
            form.prepare(ticket, fresh=given is None)
        action_forms[name] = form
    if knowledge is None and (permitted[Action.REPLY] or permitted[Action.RESOLVE]):
        knowledge = _knowledge_panel(ticket)
    repeat_of = None
    if ticket.repeat_of_id is not None:  # a link only if this user may read the earlier one
        repeat_of = db.session.scalar(queries.visible(user).where(Ticket.id == ticket.repeat_of_id))
    repeat_candidates = repeat.candidates(ticket, user) if permitted[Action.CONFIRM_REPEAT] else []
    audit.confidential_read(ticket)
    audit.ticket_read(ticket, user.id, local_today())
    audit.confidential_listed(repeat_candidates)
    page = render_template(
        "tickets/ticket.html",
        ticket=ticket,
        timeline=queries.timeline_page(ticket, page_arg()),
        mails=mail_queries.for_ticket(ticket.id),
        **action_forms,
        repeat_candidates=repeat_candidates,
        repeat_of=repeat_of,
        refusal=refusal,
        knowledge=knowledge,
        knowledge_used=kb_panel.uses_on(ticket, user),
        may=lambda action, shown: (
            permitted[Action(action)] if shown is ticket else allowed(action, user, shown)
        ),
    )
    return audit.committed((page, status))


def _knowledge_panel(ticket: Ticket, asked: kb_panel.Request | None = None) -> kb_panel.Panel:
    return kb_panel.build(
        current_user,
        text=f"{ticket.subject} {ticket.description or ''}",
        category_id=ticket.category_id,
        given=kb_panel.ticket_values(current_user, ticket),
        query=asked.query if asked else "",
        searched=asked.search if asked else False,
    )


def _refusal(
    ticket: Ticket, refused: tuple[str, TicketActionForm] | None
) -> conflicts.Refusal | None:
    if refused is None:
        return None
    events = queries.timeline(ticket)
    name, form = refused
    still_shown = allowed(ACTION_FORMS[name][1], current_user, ticket)
    return conflicts.Refusal(
        missing=form.seen_version is None,
        entries=conflicts.entries_since(events, form.seen_version),
        # Text in a form the page no longer shows is given back in the notice.
        unsaved=[] if still_shown else form.unsaved_text(),
    )


@bp.errorhandler(StaleDataError)
def changed_meanwhile(error: StaleDataError):
    """Two saves of one ticket passed the version check at once. PostgreSQL never
    lets them (the ticket is loaded FOR UPDATE); on SQLite the later one's UPDATE
    finds a newer version than it loaded. Nothing was saved: told like any form
    filled in on an older version."""
    db.session.rollback()
    reference = (request.view_args or {}).get("reference")
    form_name, form = g.get("ticket_form", (None, None))
    if reference is None or form is None:
        return render_error(409)
    ticket = queries.load(current_user, reference)
    return render_ticket(ticket, 409, (form_name, form), **{form_name: form})


@bp.get("/arenden/<reference>")
@login_required
def show(reference: str):
    ticket = queries.find_visible(current_user, reference)
    if ticket is None:
        restricted = queries.get_restricted(current_user, reference)
        if restricted is None:
            abort(404)
        audit.confidential_metadata(restricted.reference)
        return audit.committed(render_template("tickets/restricted.html", ticket=restricted))
    return render_ticket(ticket)


# The forms the knowledge panel inserts into, and the field it inserts into.
KNOWLEDGE_FIELDS = {"reply_form": "body", "resolve_form": "reply"}


def _knowledge(reference: str, form_name: str, form, asked: kb_panel.Request):
    """An insert or a search in the knowledge panel, sent with a reply form: nothing
    is saved; the page comes back with the form as written, the text inserted into
    it (when the person may use what was asked for) and the search's hits."""
    try:
        ticket = queries.load(
            current_user, reference, ACTION_FORMS[form_name][1], seen_version=form.seen_version
        )
    except queries.ChangedMeanwhile as changed:
        return render_ticket(changed.ticket, 409, (form_name, form), **{form_name: form})
    form.prepare(ticket, fresh=False)
    if form.seen_version is None:
        return render_ticket(ticket, 400, (form_name, form), **{form_name: form})
    knowledge = _knowledge_panel(ticket, asked)
    if asked.insert:
        field = form[KNOWLEDGE_FIELDS[form_name]]
        knowledge.took(form.insert(field, asked, form.placeholder_values))
    return render_ticket(ticket, 200, knowledge=knowledge, **{form_name: form})


def act(
    reference: str,
    form_name: str,
    operation: Callable[[Ticket, TicketActionForm], Any],
    success: str | Callable[[TicketActionForm], str] | None,
    answer: Callable[[Ticket, Any], Any] | None = None,
):
    """Do one action of the ticket page: the form named ``form_name`` (its class and
    action from `ACTION_FORMS`), then ``operation(ticket, form)``, then commit once.

    ``success`` is the message to flash, or a function of the form that gives it;
    ``answer(ticket, result)``, when given, is the page to show instead of going back
    to the ticket (for what must not pass through a cookie, like a new status link).
    An operation the ticket's state does not allow raises `TicketError`:
    its message is flashed and nothing is saved."""
    form_cls, action = ACTION_FORMS[form_name]
    form = form_cls()
    g.ticket_form = (form_name, form)  # for `changed_meanwhile`
    asked = kb_panel.asked(request.form) if form_name in KNOWLEDGE_FIELDS else None
    if asked is not None:
        return _knowledge(reference, form_name, form, asked)
    try:
        ticket = queries.load(
            current_user, reference, action, for_update=True, seen_version=form.seen_version
        )
    except queries.ChangedMeanwhile as changed:
        return render_ticket(changed.ticket, 409, (form_name, form), **{form_name: form})
    form.prepare(ticket, fresh=False)
    valid = form.validate_on_submit()
    if form.seen_version is None:
        return render_ticket(ticket, 400, (form_name, form), **{form_name: form})
    if not valid:
        if not form.has_fields:
            for _field_id, _label, message in form.all_errors:
                flash(message, "error")
            return redirect(url_for("tickets.show", reference=reference))
        return render_ticket(ticket, 400, **{form_name: form})
    try:
        result = operation(ticket, form)
    except TicketError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("tickets.show", reference=reference))
    # Handed to a group whose tickets this user may not read (a confidential one)?
    still_visible = can_view(current_user, ticket)
    db.session.commit()
    if answer is not None:
        return answer(ticket, result)
    flash(success(form) if callable(success) else success, "success")
    if not still_visible:
        return redirect(url_for("main.index"))
    return redirect(url_for("tickets.show", reference=reference))
