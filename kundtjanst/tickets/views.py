"""Staff views of tickets: the kundtjänst inbox, svarsgrupp queues, "mine",
search, the ticket page and the actions on it."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from .. import choices
from ..audit import services as audit
from ..core.vocabulary import BOOKKEEPING, OPEN_STATUSES, GroupKind, Outcome, Status
from ..errors import render_error
from ..extensions import db
from ..forms import whole_number
from ..org.models import Group
from ..permissions import (
    can_claim,
    can_note,
    can_release,
    can_view,
    can_work,
    frontline_required,
)
from . import conflicts, queries, repeat, services
from .forms import (
    ActionForm,
    EscalateForm,
    InboxFilterForm,
    NoteForm,
    ReleaseForm,
    RepeatForm,
    ReplyForm,
    ResolveForm,
    TicketActionForm,
    TransferForm,
)
from .models import Ticket

bp = Blueprint("tickets", __name__)

MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query parameter, or 1 when missing or nonsense."""
    return whole_number(request.args.get("page", "1"), MAX_PAGE) or 1


def sort_arg() -> str:
    """The ``sort`` query parameter: ``oldest`` (default) or ``due`` (least time left)."""
    sort = request.args.get("sort", "oldest")
    return sort if sort in queries.SORTS else "oldest"


def paginate(stmt):
    return db.paginate(
        stmt, page=page_arg(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )


@bp.get("/inkorg")
@frontline_required
def inbox():
    form = InboxFilterForm(formdata=request.args)
    form.channel.choices = choices.channels(_l("All channels"))
    form.category.choices = choices.categories(_l("All subject areas"))
    form.status.choices = choices.statuses(_l("All open"), OPEN_STATUSES)
    sort = sort_arg()
    filters = queries.InboxFilter(sort=sort)
    if form.validate():
        filters = queries.InboxFilter(
            channel=form.channel.data or None,
            category_id=form.category.data,
            status=form.status.data or None,
            q=form.q.data or "",
            sort=sort,
        )
    page = paginate(queries.inbox(current_user, Group.frontline(), filters))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/inbox.html", form=form, page=page, sort=sort))


@bp.get("/ko")
@login_required
def queues():
    groups = current_user.answer_groups
    if not groups:
        abort(403)
    if len(groups) == 1:
        return redirect(url_for("tickets.queue", slug=groups[0].slug))
    counts = dict(
        db.session.execute(
            select(Ticket.group_id, func.count())
            .where(
                Ticket.group_id.in_([g.id for g in groups]),
                Ticket.status == Status.OPEN,
                Ticket.claimed_by_id.is_(None),
            )
            .group_by(Ticket.group_id)
        ).all()
    )
    return render_template("tickets/queues.html", groups=groups, counts=counts)


@bp.get("/ko/<slug>")
@login_required
def queue(slug: str):
    group = db.session.scalar(select(Group).where(Group.slug == slug, Group.active.is_(True)))
    if group is None or group.kind != GroupKind.ANSWER:
        abort(404)
    if group.id not in current_user.group_ids:
        abort(403)
    sort = sort_arg()
    page = paginate(queries.queue(current_user, group, sort))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/queue.html", group=group, page=page, sort=sort))


@bp.get("/mina")
@login_required
def mine():
    page = paginate(queries.mine(current_user))
    audit.confidential_listed(page.items)
    return audit.committed(render_template("tickets/mine.html", page=page))


@bp.get("/sok")
@login_required
def search():
    q = (request.args.get("q") or "").strip()[:200]
    page = restricted = None
    if q:
        page = paginate(queries.search(current_user, q))
        reference = queries.normalise_reference(q)
        if reference and not page.items:
            restricted = queries.get_restricted(current_user, reference)
        audit.confidential_listed(page.items)
        if restricted is not None:
            audit.confidential_metadata(restricted.reference)
    return audit.committed(
        render_template("tickets/search.html", q=q, page=page, restricted=restricted)
    )


# --- the ticket page -------------------------------------------------------

# The action forms on the ticket page, by the name the template knows each by.
ACTION_FORMS: dict[str, type[TicketActionForm]] = {
    "reply_form": ReplyForm,
    "note_form": NoteForm,
    "escalate_form": EscalateForm,
    "transfer_form": TransferForm,
    "resolve_form": ResolveForm,
    "release_form": ReleaseForm,
    "repeat_form": RepeatForm,
}


def _fill_choices(ticket: Ticket, forms: dict[str, TicketActionForm]) -> None:
    """The options of the forms' selects; the subject area's usual answer group is
    proposed for an escalation."""
    escalate_form = forms["escalate_form"]
    escalate_form.group.choices = choices.groups(
        _l("Choose an answer group"), kind=GroupKind.ANSWER
    )
    if escalate_form.group.data is None and ticket.category and ticket.category.default_group_id:
        escalate_form.group.data = ticket.category.default_group_id
    forms["transfer_form"].group.choices = choices.groups(
        _l("Choose a group"), exclude_id=ticket.group_id
    )
    forms["resolve_form"].could_reason.choices = choices.reasons(_l("Choose a reason"))


def render_ticket(
    ticket: Ticket,
    status: int = 200,
    refused: tuple[str, TicketActionForm] | None = None,
    **forms,
):
    """The ticket page. Showing a confidential ticket is recorded in the audit log
    and committed with the page (also when a form is shown again with errors).

    ``refused`` is (name, form) of a form not saved because the ticket changed since
    it was shown (or it said no version): the page says so and lists what changed.
    Every action form goes out carrying the ticket's current version.
    """
    user = current_user
    may_work = can_work(user, ticket)
    may_note = can_note(user, ticket)
    # Before the forms are given the current version: what changed since theirs.
    events = queries.timeline(ticket)
    refusal = _refusal(ticket, events, refused, may_work, may_note)
    action_forms = {
        name: forms.get(name) or form_cls(formdata=None) for name, form_cls in ACTION_FORMS.items()
    }
    for form in action_forms.values():
        form.version.data = str(ticket.version)
    if may_work:  # the forms only someone who may work the ticket is shown
        _fill_choices(ticket, action_forms)
    repeat_of = None
    if ticket.repeat_of_id is not None:  # a link only if this user may read the earlier one
        repeat_of = db.session.scalar(queries.visible(user).where(Ticket.id == ticket.repeat_of_id))
    repeat_candidates = repeat.candidates(ticket, user) if may_work else []
    audit.confidential_read(ticket)
    audit.confidential_listed(repeat_candidates)
    page = render_template(
        "tickets/ticket.html",
        ticket=ticket,
        events=events,
        **action_forms,
        may_work=may_work,
        repeat_candidates=repeat_candidates,
        repeat_of=repeat_of,
        refusal=refusal,
        may_claim=can_claim(user, ticket),
        may_note=may_note,
        may_release=can_release(user, ticket),
    )
    return audit.committed((page, status))


def _refusal(
    ticket: Ticket,
    events: list,
    refused: tuple[str, TicketActionForm] | None,
    may_work: bool,
    may_note: bool,
) -> conflicts.Refusal | None:
    if refused is None:
        return None
    name, form = refused
    frontline = ticket.group.is_frontline
    still_shown = {
        "reply_form": may_work,
        "resolve_form": may_work,
        "escalate_form": may_work and frontline,
        "transfer_form": may_work and not frontline,
        "note_form": may_note,
    }.get(name, False)
    return conflicts.Refusal(
        missing=form.seen_version is None,
        entries=conflicts.entries_since(events, form.seen_version),
        # Text in a form the page no longer shows is given back in the notice.
        unsaved=[] if still_shown else form.unsaved_text(),
    )


def _refuse_if_changed(ticket: Ticket, form: TicketActionForm, form_name: str):
    """The page again, with 409 and nothing saved, when ``form`` was filled in on an
    older version of the ticket; None when it was filled in on this one (or said none).

    Answered before the permission check: what changed may be that this person can
    no longer do it (closed, claimed by someone else), and they may read the ticket.
    """
    g.ticket_form = (form_name, form)  # for `changed_meanwhile`
    seen = form.seen_version
    if seen is None or seen == ticket.version:
        return None
    news = conflicts.entries_since(queries.timeline(ticket), seen)
    if news and all(e.kind in BOOKKEEPING for e in news):
        return None  # only the system's own notes (an SLA breach): nothing to reconsider
    return render_ticket(ticket, 409, (form_name, form), **{form_name: form})


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
    ticket = queries.get_ticket_or_404(current_user, reference)
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


def _act(
    reference: str,
    allowed: Callable,
    form_cls: type,
    form_name: str,
    operation: Callable,
    success: str | Callable,
    prepare: Callable | None = None,
):
    """Load the ticket locked for update; refuse a form filled in on an older version
    of it; check permission, validate, apply, commit once.

    ``success`` is the message to flash, or a function of the form that gives it.
    An operation the ticket's state does not allow raises `services.TicketError`:
    its message is flashed and nothing is saved."""
    ticket = queries.get_ticket_or_404(current_user, reference, for_update=True)
    form = form_cls()
    changed = _refuse_if_changed(ticket, form, form_name)
    if changed is not None:
        return changed
    if not allowed(current_user, ticket):
        abort(403)
    if prepare is not None:
        prepare(form, ticket)
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
        operation(ticket, form)
    except services.TicketError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("tickets.show", reference=reference))
    # Handed to a group whose tickets this user may not read (a confidential one)?
    still_visible = can_view(current_user, ticket)
    db.session.commit()
    flash(success(form) if callable(success) else success, "success")
    if not still_visible:
        return redirect(url_for("main.index"))
    return redirect(url_for("tickets.show", reference=reference))


@bp.post("/arenden/<reference>/svara")
@login_required
def reply(reference: str):
    return _act(
        reference,
        can_work,
        ReplyForm,
        "reply_form",
        lambda t, f: services.reply(t, current_user, f.body.data),
        _("The reply was sent."),
    )


@bp.post("/arenden/<reference>/anteckning")
@login_required
def note(reference: str):
    return _act(
        reference,
        can_note,
        NoteForm,
        "note_form",
        lambda t, f: services.add_note(t, current_user, f.body.data),
        _("The note was saved."),
    )


@bp.post("/arenden/<reference>/eskalera")
@login_required
def escalate(reference: str):
    def allowed(user, ticket):
        return can_work(user, ticket) and ticket.group.is_frontline

    def prepare(form, ticket):
        form.group.choices = choices.groups("", kind=GroupKind.ANSWER)

    def operation(ticket, form):
        group = db.session.get(Group, form.group.data)
        services.escalate(ticket, current_user, group, form.note.data)

    return _act(
        reference,
        allowed,
        EscalateForm,
        "escalate_form",
        operation,
        _("The ticket was sent to the answer group."),
        prepare,
    )


@bp.post("/arenden/<reference>/overlamna")
@login_required
def transfer(reference: str):
    def allowed(user, ticket):
        return can_work(user, ticket) and not ticket.group.is_frontline

    def prepare(form, ticket):
        form.group.choices = choices.groups("", exclude_id=ticket.group_id)

    def operation(ticket, form):
        group = db.session.get(Group, form.group.data)
        services.transfer(ticket, current_user, group, form.note.data)

    return _act(
        reference,
        allowed,
        TransferForm,
        "transfer_form",
        operation,
        _("The ticket was transferred."),
        prepare,
    )


@bp.post("/arenden/<reference>/avsluta")
@login_required
def resolve(reference: str):
    def operation(ticket, form):
        services.resolve(
            ticket,
            current_user,
            Outcome(form.outcome.data),
            reply_body=form.reply.data or None,
            during_contact=form.during_contact.data,
            diarienummer=form.diarienummer.data,
            referred_to=form.referred_to.data,
            note=form.note.data or None,
            could_have_answered=bool(form.could_have_answered.data),
            could_reason_id=form.could_reason.data,
            could_note=form.could_note.data,
        )

    def prepare(form, ticket):
        form.could_reason.choices = choices.reasons(_l("Choose a reason"))
        if ticket.group.is_frontline:
            form.could_have_answered.data = False

    return _act(
        reference,
        can_work,
        ResolveForm,
        "resolve_form",
        operation,
        _("The ticket was closed."),
        prepare,
    )


@bp.post("/arenden/<reference>/upprepad")
@login_required
def confirm_repeat(reference: str):
    """Staff confirm that this contact repeats an earlier one."""

    def operation(ticket, form):
        candidates = repeat.candidates(ticket, current_user)
        earlier = next((t for t in candidates if t.reference == form.earlier.data), None)
        if earlier is None:
            raise services.TicketError(_l("That ticket is not a possible earlier contact."))
        repeat.confirm(ticket, earlier, current_user)

    return _act(
        reference,
        can_work,
        RepeatForm,
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
    ticket = queries.get_ticket_or_404(current_user, reference)
    if ticket.group_id not in current_user.group_ids or ticket.group.is_frontline:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.claim(ticket, current_user)
    except services.TicketError as error:
        db.session.rollback()
        flash(str(error), "error")
        if request.form.get("from_queue") == "1":
            return redirect(url_for("tickets.queue", slug=ticket.group.slug))
        return redirect(url_for("tickets.show", reference=reference))
    db.session.commit()
    flash(_("You have claimed %(reference)s.", reference=reference), "success")
    return redirect(url_for("tickets.show", reference=reference))


@bp.post("/arenden/<reference>/slapp")
@login_required
def release(reference: str):
    return _act(
        reference,
        can_release,
        ReleaseForm,
        "release_form",
        lambda t, f: services.release(t, current_user),
        _("The ticket is back in the queue."),
    )
