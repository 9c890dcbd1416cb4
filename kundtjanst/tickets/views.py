"""Staff views of tickets: the kundtjänst inbox, svarsgrupp queues, "mine",
search, the ticket page and the actions on it."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..extensions import db
from ..forms import choice
from ..labels import CHANNEL, STATUS
from ..org.models import Group, GroupKind
from ..org.queries import category_choices, group_choices
from ..permissions import (
    can_claim,
    can_note,
    can_release,
    can_view,
    can_work,
    frontline_required,
)
from ..stats.models import CouldReason
from . import queries, repeat, services
from .forms import (
    ActionForm,
    EscalateForm,
    InboxFilterForm,
    NoteForm,
    RepeatForm,
    ReplyForm,
    ResolveForm,
    TransferForm,
)
from .models import OPEN_STATUSES, Outcome, Status, Ticket

bp = Blueprint("tickets", __name__)

MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query parameter, or 1 when missing or nonsense."""
    raw = request.args.get("page", "1")
    if raw.isdigit() and 0 < int(raw) <= MAX_PAGE:
        return int(raw)
    return 1


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
    form.channel.choices = [choice("", _l("All channels"))] + [
        choice(c.value, label) for c, label in CHANNEL.items()
    ]
    form.category.choices = category_choices(_l("All subject areas"))
    form.status.choices = [choice("", _l("All open"))] + [
        choice(s.value, STATUS[s]) for s in OPEN_STATUSES
    ]
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
    return render_template(
        "tickets/inbox.html", form=form, page=page, action_form=ActionForm(), sort=sort
    )


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
    return render_template(
        "tickets/queue.html", group=group, page=page, action_form=ActionForm(), sort=sort
    )


@bp.get("/mina")
@login_required
def mine():
    page = paginate(queries.mine(current_user))
    return render_template("tickets/mine.html", page=page)


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
    return render_template("tickets/search.html", q=q, page=page, restricted=restricted)


# --- the ticket page -------------------------------------------------------


def render_ticket(ticket: Ticket, status: int = 200, **forms):
    user = current_user
    escalate_form = forms.get("escalate_form") or EscalateForm(formdata=None)
    escalate_form.group.choices = group_choices(_l("Choose an answer group"), GroupKind.ANSWER)
    if escalate_form.group.data is None and ticket.category and ticket.category.default_group_id:
        escalate_form.group.data = ticket.category.default_group_id
    transfer_form = forms.get("transfer_form") or TransferForm(formdata=None)
    transfer_form.group.choices = group_choices(_l("Choose a group"), exclude_id=ticket.group_id)
    resolve_form = forms.get("resolve_form") or ResolveForm(formdata=None)
    resolve_form.could_reason.choices = reason_choices()
    may_work = can_work(user, ticket)
    repeat_of = db.session.get(Ticket, ticket.repeat_of_id) if ticket.repeat_of_id else None
    return render_template(
        "tickets/ticket.html",
        ticket=ticket,
        events=queries.timeline(ticket),
        reply_form=forms.get("reply_form") or ReplyForm(formdata=None),
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        escalate_form=escalate_form,
        transfer_form=transfer_form,
        resolve_form=resolve_form,
        action_form=ActionForm(formdata=None),
        may_work=may_work,
        repeat_candidates=repeat.candidates(ticket, user) if may_work else [],
        repeat_of=repeat_of,
        repeat_form=RepeatForm(formdata=None),
        may_claim=can_claim(user, ticket),
        may_note=can_note(user, ticket),
        may_release=can_release(user, ticket),
    ), status


@bp.get("/arenden/<reference>")
@login_required
def show(reference: str):
    if not queries.CANONICAL_REFERENCE.match(reference):
        abort(404)
    ticket = db.session.scalar(queries.visible(current_user).where(Ticket.reference == reference))
    if ticket is None:
        restricted = queries.get_restricted(current_user, reference)
        if restricted is None:
            abort(404)
        return render_template("tickets/restricted.html", ticket=restricted)
    return render_ticket(ticket)


def _act(
    reference: str,
    allowed: Callable,
    form_cls: type,
    form_name: str,
    operation: Callable,
    success: str,
    prepare: Callable | None = None,
):
    """Load the ticket locked for update, check permission, validate, apply, commit once."""
    ticket = queries.get_ticket_or_404(current_user, reference, for_update=True)
    if not allowed(current_user, ticket):
        abort(403)
    form = form_cls()
    if prepare is not None:
        prepare(form, ticket)
    if not form.validate_on_submit():
        return render_ticket(ticket, 400, **{form_name: form})
    try:
        operation(ticket, form)
    except services.TicketError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("tickets.show", reference=reference))
    db.session.commit()
    flash(success, "success")
    if not can_view(current_user, ticket):
        # Handed to a group whose tickets this user may not read (a confidential one).
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
        form.group.choices = group_choices("", GroupKind.ANSWER)

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
        form.group.choices = group_choices("", exclude_id=ticket.group_id)

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
        form.could_reason.choices = reason_choices()
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


def reason_choices():
    return [choice("", _l("Choose a reason"))] + [
        choice(r.id, r.name)
        for r in db.session.scalars(
            select(CouldReason).where(CouldReason.active.is_(True)).order_by(CouldReason.name)
        )
    ]


@bp.post("/arenden/<reference>/upprepad")
@login_required
def confirm_repeat(reference: str):
    """Staff confirm that this contact repeats an earlier one."""
    ticket = queries.get_ticket_or_404(current_user, reference, for_update=True)
    if not can_work(current_user, ticket):
        abort(403)
    form = RepeatForm()
    if not form.validate_on_submit():
        abort(400)
    earlier = next(
        (t for t in repeat.candidates(ticket, current_user) if t.reference == form.earlier.data),
        None,
    )
    if earlier is None:
        flash(_("That ticket is not a possible earlier contact."), "error")
        return redirect(url_for("tickets.show", reference=reference))
    repeat.confirm(ticket, earlier, current_user)
    db.session.commit()
    flash(
        _(
            "%(reference)s is linked as a repeat of %(earlier)s.",
            reference=reference,
            earlier=earlier.reference,
        ),
        "success",
    )
    return redirect(url_for("tickets.show", reference=reference))


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
        back = request.form.get("from_queue")
        if back == "1" and not ticket.group.is_frontline:
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
        ActionForm,
        "action_form",
        lambda t, f: services.release(t, current_user),
        _("The ticket is back in the queue."),
    )
