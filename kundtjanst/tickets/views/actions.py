"""The actions on a ticket's page. Each parses its form and calls one service, through
`page.act` (load for the action, version check, validate, commit once): the simple
ones as rows of `FORM_ACTIONS`, closing and confirming a repeat contact as functions
of their own; the claim is a bare button decided by one conditional UPDATE."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...core.vocabulary import Outcome
from ...extensions import db
from ...forms import ButtonForm
from ...kb import panel as kb_panel
from ...lazytext import lazy_gettext as _l
from ...org.models import Group
from ...permissions import Action
from ...web import public_url
from .. import queries, repeat, secrecy, services
from ..errors import TicketError
from ..forms import TicketActionForm
from ..models import Ticket
from .blueprint import bp
from .page import act


@dataclass(frozen=True)
class FormAction:
    """An action that is one form and one service call: the table below."""

    endpoint: str
    path: str  # after /arenden/<reference>/
    form_name: str  # in `page.ACTION_FORMS`
    operation: Callable[[Ticket, TicketActionForm], None]
    success: Any  # a lazy string


def _group(form: TicketActionForm) -> Group:
    return db.session.get(Group, form.group.data)


def _reply(ticket: Ticket, form: TicketActionForm) -> None:
    """The reply, with what it was written with (the knowledge panel's inserts)."""
    services.reply(ticket, current_user, form.filled(form.body.data))
    kb_panel.record(ticket, current_user, form.used_articles.data, form.used_templates.data)


FORM_ACTIONS = (
    FormAction(
        "reply",
        "svara",
        "reply_form",
        _reply,
        _l("The reply was sent."),
    ),
    FormAction(
        "note",
        "anteckning",
        "note_form",
        lambda t, f: services.add_note(t, current_user, f.body.data),
        _l("The note was saved."),
    ),
    FormAction(
        "escalate",
        "eskalera",
        "escalate_form",
        lambda t, f: services.escalate(t, current_user, _group(f), f.note.data),
        _l("The ticket was sent to the answer group."),
    ),
    FormAction(
        "transfer",
        "overlamna",
        "transfer_form",
        lambda t, f: services.transfer(t, current_user, _group(f), f.note.data),
        _l("The ticket was transferred."),
    ),
    FormAction(
        "reopen",
        "oppna-igen",
        "reopen_form",
        lambda t, f: services.reopen(t, current_user, f.reason.data or None),
        _l("The ticket is open again."),
    ),
    FormAction(
        "lift_secrecy",
        "hav-sekretess",
        "lift_form",
        lambda t, f: secrecy.lift(t, current_user, f.reason.data),
        _l("The secrecy was lifted."),
    ),
    FormAction(
        "release",
        "slapp",
        "release_form",
        lambda t, f: services.release(t, current_user),
        _l("The ticket is back in the queue."),
    ),
)


def _view(action: FormAction) -> Callable:
    def view(reference: str):
        return act(reference, action.form_name, action.operation, str(action.success))

    view.__name__ = action.endpoint
    return login_required(view)


for _action in FORM_ACTIONS:
    bp.add_url_rule(
        f"/arenden/<reference>/{_action.path}",
        endpoint=_action.endpoint,
        view_func=_view(_action),
        methods=["POST"],
    )


@bp.post("/arenden/<reference>/avsluta")
@login_required
def resolve(reference: str):
    def operation(ticket, form):
        services.resolve(
            ticket,
            current_user,
            Outcome(form.outcome.data),
            reply_body=form.filled(form.reply.data) or None,
            during_contact=form.during_contact.data,
            diarienummer=form.diarienummer.data,
            referred_to=form.referred_to.data,
            note=form.note.data or None,
            could_have_answered=bool(form.could_have_answered.data),
            could_reason_id=form.could_reason.data,
            could_note=form.could_note.data,
        )
        if form.reply.data:
            kb_panel.record(ticket, current_user, form.used_articles.data, form.used_templates.data)

    return act(reference, "resolve_form", operation, _("The ticket was closed."))


@bp.post("/arenden/<reference>/ny-lank")
@login_required
def new_status_link(reference: str):
    """A citizen lost the status link: a new one, shown here once (never flashed,
    which would put it in the session cookie); the old one stops working."""

    def shown(ticket: Ticket, token: str):
        link = public_url("intake.status", token=token)
        return render_template("tickets/new_link.html", ticket=ticket, link=link)

    return act(
        reference,
        "link_form",
        lambda t, f: services.replace_status_link(t, current_user),
        None,
        answer=shown,
    )


@bp.post("/arenden/<reference>/upprepad")
@login_required
def confirm_repeat(reference: str):
    """Staff confirm that this contact repeats an earlier one."""

    def operation(ticket, form):
        candidates = repeat.candidates(ticket, current_user)
        earlier = next((t for t in candidates if t.reference == form.earlier.data), None)
        if earlier is None:
            raise TicketError(_l("That ticket is not a possible earlier contact."))
        repeat.confirm(ticket, earlier, current_user)

    return act(
        reference,
        "repeat_form",
        operation,
        lambda form: _(
            "%(reference)s is linked as a repeat of %(earlier)s.",
            reference=reference,
            earlier=form.earlier.data,
        ),
    )


@bp.post("/arenden/<reference>/ta")
@login_required
def claim(reference: str):
    """A bare button, on the ticket page and in the queue. Of simultaneous claims one
    conditional UPDATE picks the winner (`services.claim`); the others are told."""
    ticket = queries.load(current_user, reference, Action.CLAIM)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.claim(ticket, current_user)
    except TicketError as error:
        db.session.rollback()
        flash(str(error), "error")
        if request.form.get("from_queue") == "1":
            return redirect(url_for("tickets.queue", slug=ticket.group.slug))
        return redirect(url_for("tickets.show", reference=reference))
    db.session.commit()
    flash(_("You have claimed %(reference)s.", reference=reference), "success")
    return redirect(url_for("tickets.show", reference=reference))
