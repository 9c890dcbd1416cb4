"""The citizen's way in (/fraga, /arende/<token>) and kundtjänst's "Ny kontakt"."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge

from .. import choices, locales
from ..attachments import services as attachments
from ..attachments.rules import human_size
from ..audit import services as audit
from ..calls import queries as calls_queries
from ..calls import services as calls
from ..core import phone
from ..core.vocabulary import PUBLIC_KINDS, Channel, GroupKind, Outcome
from ..errors import render_error
from ..extensions import db
from ..forms import MAX_ID, choice_values, whole_number
from ..kb import panel as kb_panel
from ..kb import search
from ..kb import services as kb
from ..kb import translations as kb_translations
from ..lazytext import lazy_gettext as _l
from ..org.models import Category, Group
from ..permissions import frontline_required
from ..settings import services as settings
from ..tickets import queries
from ..tickets import services as tickets
from ..tickets.citizen import citizen_message
from ..web import page_arg, public_url
from . import services as intake
from .forms import (
    NEW_CONTACT_CHANNELS,
    REFERENCE_LATER,
    CitizenMessageForm,
    NewContactForm,
    QuestionForm,
    SelfServiceForm,
)

bp = Blueprint("intake", __name__)

# At most this many public answers are offered before a question is sent.
SUGGESTED = 3


def _private(response):
    """Status pages carry a secret in the URL: never leak it onward, never index it.
    (No page is cached: `security.add_security_headers`.)"""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/fraga", methods=["GET", "POST"])
@locales.citizen_page
def ask():
    form = QuestionForm()
    form.category.choices = choices.categories(_l("Choose a subject area"))
    if form.validate_on_submit():
        submission = form.submission_id()
        answers = _answers_first(form, submission)
        if answers:
            form.submission.data = submission
            # As the page's language reads them: a translation, else the Swedish.
            readings = kb_translations.in_language(answers, locales.asked_in())
            return render_template(
                "intake/answers.html", form=form, readings=readings, found=SelfServiceForm()
            )
        contact = tickets.Contact(
            channel=Channel.WEB,
            subject=form.subject.data,
            description=form.question.data,
            category=db.session.get(Category, form.category.data),
            citizen_name=form.name.data,
            citizen_email=form.email.data,
            citizen_phone=form.phone.data,
            language=locales.asked_in(),
        )
        receipt = intake.ask_once(contact, submission, form.attachments.files)
        # Only the receipt's id travels in the cookie, never the status link.
        session["receipt"] = receipt.submission
        return redirect(url_for("intake.submitted"))
    if not form.is_submitted():
        # From an answer's page: "Ask your question" starts in its subject area.
        chosen = whole_number(request.args.get("category") or "", MAX_ID)
        if chosen in choice_values(form.category):
            form.category.data = chosen
    form.submission.data = form.submission_id()  # the same id once the errors are fixed
    status = 400 if form.errors else 200
    return render_template("intake/ask.html", form=form), status


def _answers_first(form: QuestionForm, submission: str) -> list:
    """Up to three public articles that may already answer the question, shown before
    it becomes a ticket; none when the citizen chose to send it anyway, attached files
    (they cannot ride along to the next step), or sent this form before."""
    if form.anyway.data or form.attachments.files or intake.receipt(submission):
        return []
    text = f"{form.subject.data} {form.question.data}"
    return search.suggest(None, text, form.category.data, limit=SUGGESTED)


@bp.post("/fraga/svaret-fanns")
@locales.citizen_page
def found_answer():
    """ "I found the answer": counted as a self-service answer; no ticket, and nothing
    of what the citizen wrote is sent here or kept."""
    form = SelfServiceForm()
    form.category.choices = choices.categories()
    if not form.validate():
        return render_template("intake/found.html", form=form), 400
    kb.record_self_service(form.found, form.category.data)
    db.session.commit()
    return redirect(url_for("intake.answered"))


@bp.get("/fraga/svaret-fanns")
@locales.citizen_page
def answered():
    return render_template("intake/found.html", form=None)


@bp.get("/fraga/skickad")
@locales.citizen_page
def submitted():
    """The receipt shows the status link once (a shared computer's next user must not
    find it by going back), within minutes of sending; the reference every time. The
    cookie lets go of the receipt only once the page is made: after a 503 (the
    database restarting) a reload still shows it."""
    receipt = intake.receipt(session.get("receipt") or "")
    token = intake.show_token_once(receipt) if receipt else None
    db.session.commit()
    page = render_template(
        "intake/submitted.html",
        reference=receipt.reference if receipt else None,
        ticket_id=receipt.ticket_id if receipt else None,
        link=public_url("intake.status", token=token) if token else None,
    )
    session.pop("receipt", None)
    return _private(make_response(page))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """Even larger than a form with files may be: said on a page of its own, since
    nothing of the form could be read (not even its security token)."""
    if request.endpoint != "intake.ask":
        return render_error(413)
    limits = attachments.limits()
    return render_error(
        413,
        _(
            "What you sent is too large. Attached files may be at most %(file)s each and "
            "%(total)s together. Go back to the form, remove some files and send it again.",
            file=human_size(limits.max_file_bytes),
            total=human_size(limits.max_total_bytes),
        ),
    )


@bp.route("/arende/<token>", methods=["GET", "POST"])
@locales.citizen_page
def status(token: str):
    # A message is added with the ticket locked (PostgreSQL), so it never crosses a
    # change staff make at the same moment; the version it raises tells them of it.
    ticket = queries.by_status_token(token, for_update=request.method == "POST")
    form = CitizenMessageForm()
    code = 200
    if form.validate_on_submit():
        if queries.citizen_messages_today(ticket) >= settings.get("citizen_messages_per_day"):
            form.message.errors = [*form.message.errors, _too_many_messages()]
            code = 429
        else:
            try:
                citizen_message(ticket, form.message.data)
                db.session.commit()
            except StaleDataError:
                # Without row locks (SQLite) staff saved the ticket in the same instant.
                db.session.rollback()
                ticket = queries.by_status_token(token)
                form.message.errors = [*form.message.errors, _crossed()]
                code = 409
            else:
                flash(_("Thank you. Your message has been added to your question."), "success")
                return redirect(url_for("intake.status", token=token))
    if code == 200 and form.errors:
        code = 400
    timeline = queries.timeline_page(ticket, page_arg(), kinds=PUBLIC_KINDS)
    body = render_template(
        "intake/status.html", ticket=ticket, timeline=timeline, form=form, token=token
    )
    return _private(make_response(body, code))


def _too_many_messages() -> str:
    return _(
        "You have sent many messages about this question today, so this one was not "
        "added. We read every message; if it is urgent, call us on %(phone)s.",
        phone=current_app.config["CONTACT_PHONE"],
    )


def _crossed() -> str:
    return _(
        "Your question was updated at the same moment, so your message was not "
        "added. It is still here: send it again."
    )


@bp.route("/ny-kontakt", methods=["GET", "POST"])
@frontline_required
def new_contact():
    form = NewContactForm()
    form.channel.choices = choices.channels(only=NEW_CONTACT_CHANNELS)
    form.category.choices = choices.categories(_l("Choose a subject area"))
    form.group.choices = choices.groups(_l("Choose an answer group"), kind=GroupKind.ANSWER)
    form.language.choices = choices.languages()
    # The reference is filled in once the contact is saved.
    form.placeholder_values = kb_panel.values(
        current_user, name=form.name.data, reference=REFERENCE_LATER
    )
    if not form.is_submitted():
        form.language.data = locales.default_language()
        _prefill_call(form, calls_queries.current(current_user))
    asked = kb_panel.asked(request.form) if request.method == "POST" else None
    if asked is not None:
        return _knowledge(form, asked)
    if form.validate_on_submit():
        ticket, message = _finish(form)
        if form.answer.data:
            kb_panel.record(ticket, current_user, form.used_articles.data, form.used_templates.data)
        db.session.commit()
        flash(message, "success")
        return redirect(url_for("intake.new_contact"))
    status = 400 if form.errors else 200
    return _new_contact_page(form, status)


def _prefill_call(form: NewContactForm, call) -> None:
    """A call in progress: a phone contact from its number, logged for the call."""
    if call is None:
        return
    form.channel.data = Channel.PHONE.value
    if call.number_e164:
        form.phone.data = phone.display(call.number_e164)
    if call.ticket_id is None:
        form.call.data = str(call.id)


def _new_contact_page(form: NewContactForm, status: int, knowledge=None):
    if knowledge is None:
        knowledge = _knowledge_panel(form)
    call_panel = calls_queries.panel(current_user, calls_queries.current(current_user))
    if call_panel is not None:
        audit.confidential_listed(call_panel.tickets, request.path)
    page = render_template(
        "intake/new_contact.html", form=form, knowledge=knowledge, call_panel=call_panel
    )
    db.session.commit()  # the panel's listing in the audit log; nothing else is pending
    return page, status


def _knowledge_panel(form: NewContactForm, asked: kb_panel.Request | None = None):
    return kb_panel.build(
        current_user,
        text=f"{form.subject.data or ''} {form.notes.data or ''}",
        category_id=form.category_id(),
        given=kb_panel.values(current_user, name=form.name.data, reference=None),
        query=asked.query if asked else "",
        searched=asked.search if asked else False,
    )


def _knowledge(form: NewContactForm, asked: kb_panel.Request):
    """An insert or a search in the knowledge panel: nothing is saved, the form comes
    back as written with the text inserted into the answer."""
    knowledge = _knowledge_panel(form, asked)
    if asked.insert:
        given = kb_panel.values(current_user, name=form.name.data, reference=None)
        knowledge.took(form.insert(form.answer, asked, given))
    db.session.commit()  # a search that found nothing is kept for the gap report
    return _new_contact_page(form, 200, knowledge)


def _finish(form: NewContactForm):
    """Save the contact and finish it as the form says: (ticket, message)."""
    contact = tickets.Contact(
        channel=Channel(form.channel.data),
        subject=form.subject.data,
        description=form.notes.data or "",
        category=db.session.get(Category, form.category.data),
        citizen_name=form.name.data,
        citizen_email=form.email.data,
        citizen_phone=form.phone.data,
        language=form.language.data,
    )
    action = form.action.data
    ticket, _token = tickets.create_ticket(
        contact, actor=current_user, apply_routing=(action == "open")
    )
    call = calls_queries.loggable(current_user, form.call.data)
    if call is not None:
        calls.link(call, ticket)
    form.placeholder_values = kb_panel.ticket_values(current_user, ticket)
    answer = form.filled(form.answer.data) or None
    if action == "answered":
        tickets.resolve(
            ticket, current_user, Outcome.ANSWERED, reply_body=answer, during_contact=True
        )
        return ticket, _("%(reference)s logged as answered.", reference=ticket.reference)
    if action == "referred":
        tickets.resolve(
            ticket,
            current_user,
            Outcome.REFERRED,
            reply_body=answer,
            during_contact=True,
            referred_to=form.referred_to.data,
        )
        return ticket, _("%(reference)s logged as referred.", reference=ticket.reference)
    if action == "escalate":
        group = db.session.get(Group, form.group.data)
        tickets.escalate(ticket, current_user, group, form.handoff_note.data)
        return ticket, _(
            "%(reference)s sent to %(group)s.", reference=ticket.reference, group=group.name
        )
    return ticket, _(
        "%(reference)s saved in %(group)s.", reference=ticket.reference, group=ticket.group.name
    )
