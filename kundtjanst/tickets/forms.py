"""The ticket page's action forms (each carries the version it was shown with) and
the inbox's filters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_login import current_user
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.validators import StopValidation

from .. import choices
from ..choices import labelled
from ..core.vocabulary import GroupKind, Outcome
from ..forms import (
    MAX_ID,
    BaseForm,
    EnumRadioField,
    IdSelectField,
    line_field,
    text_field,
    whole_number,
)
from ..kb import panel
from ..kb.forms import UsedKnowledge
from ..labels import OUTCOME
from ..lazytext import lazy_gettext as _l

if TYPE_CHECKING:
    from .models import Ticket


class TicketActionForm(BaseForm):
    """A change to a ticket. It carries the ticket version the page was shown with
    (``<prefix>-version``): a form filled in on an older version is refused, and the
    person is shown what changed (tickets.views)."""

    version = HiddenField()
    # False for a form that is only a button: the page has no field to show its
    # errors beside, so they are flashed instead.
    has_fields = True

    def prepare(self, ticket: Ticket, *, fresh: bool) -> None:
        """Fill what depends on the ticket (the selects' options) before the form is
        shown or validated; ``fresh``: shown empty, not as sent."""

    @property
    def seen_version(self) -> int | None:
        """The version the form was filled in on; None when missing or no version."""
        return whole_number(self.version.data, MAX_ID)

    def unsaved_text(self) -> list[tuple[str, str]]:
        """(label, text) of what the person wrote, to give back when it was not saved."""
        return [
            (str(field.label.text), field.data)
            for field in self
            if isinstance(field, StringField)
            and not isinstance(field, HiddenField)
            and isinstance(field.data, str)
            and field.data.strip()
        ]


class ReleaseForm(TicketActionForm):
    """Put a claimed ticket back in the queue: a button."""

    default_prefix = "release"
    has_fields = False


class ReplyForm(UsedKnowledge, TicketActionForm):
    default_prefix = "reply"

    body = text_field(_l("Reply to the citizen"), _l("Write the reply."))

    def prepare(self, ticket: Ticket, *, fresh: bool) -> None:
        self.placeholder_values = panel.ticket_values(current_user, ticket)

    def validate_body(self, field) -> None:
        self.check_placeholders(field)


class NoteForm(TicketActionForm):
    default_prefix = "note"

    body = text_field(_l("Internal note"), _l("Write the note."))


class EscalateForm(TicketActionForm):
    default_prefix = "escalate"

    group = IdSelectField(
        _l("Answer group"), required=True, required_message=_l("Choose an answer group.")
    )
    note = text_field(_l("Note to the answer group"))

    def prepare(self, ticket: Ticket, *, fresh: bool) -> None:
        """Active answer groups; an empty form proposes the subject area's usual one."""
        self.group.choices = choices.groups(_l("Choose an answer group"), kind=GroupKind.ANSWER)
        category = ticket.category
        if fresh and self.group.data is None and category and category.default_group_id:
            self.group.data = category.default_group_id


class TransferForm(TicketActionForm):
    default_prefix = "transfer"

    group = IdSelectField(_l("To group"), required=True, required_message=_l("Choose a group."))
    note = text_field(_l("Why"))

    def prepare(self, ticket: Ticket, *, fresh: bool) -> None:
        self.group.choices = choices.groups(_l("Choose a group"), exclude_id=ticket.group_id)


class ResolveForm(UsedKnowledge, TicketActionForm):
    default_prefix = "resolve"

    outcome = EnumRadioField(
        _l("Outcome"),
        default=Outcome.ANSWERED.value,
        choices=labelled(OUTCOME),
    )
    reply = text_field(_l("Answer to the citizen"))
    during_contact = BooleanField(
        _l("The answer was given during the citizen's call, chat or visit")
    )
    diarienummer = line_field(
        _l("Registration number (diarienummer)"), max_length=60, optional=True
    )
    referred_to = line_field(_l("Referred to"), max_length=200)
    note = text_field(_l("Internal note"))
    # The learning loop (answer groups only).
    could_have_answered = BooleanField(_l("Customer service could have answered this"))
    could_reason = IdSelectField(_l("Why"))
    could_note = line_field(_l("What customer service needs to know"), max_length=500)

    def prepare(self, ticket: Ticket, *, fresh: bool) -> None:
        self.placeholder_values = panel.ticket_values(current_user, ticket)
        self.could_reason.choices = choices.reasons(_l("Choose a reason"))
        if ticket.group.is_frontline:  # the learning loop is the svarsgrupper's
            self.could_have_answered.data = False

    def validate_reply(self, field) -> None:
        self.check_placeholders(field)

    def validate_referred_to(self, field) -> None:
        if self.outcome.data == Outcome.REFERRED.value and not field.data:
            raise StopValidation(_l("Say where the citizen was referred, e.g. Skatteverket."))

    def validate_could_reason(self, field) -> None:
        if self.could_have_answered.data and field.data is None:
            raise StopValidation(_l("Choose why customer service could have answered."))


class ReopenForm(TicketActionForm):
    """Open a closed ticket again (a member of the group that closed it)."""

    default_prefix = "reopen"

    reason = text_field(_l("Why it is opened again"))


class StatusLinkForm(TicketActionForm):
    """Make a new status link: a button."""

    default_prefix = "link"
    has_fields = False


class LiftSecrecyForm(TicketActionForm):
    """Lift the secrecy: a member's decision, with the secrecy assessment as the reason."""

    default_prefix = "lift"

    reason = text_field(
        _l("Secrecy assessment: why the contents are not secret"),
        _l("Write the secrecy assessment: why the secrecy can be lifted."),
    )


class RepeatForm(TicketActionForm):
    """Confirm that this contact repeats an earlier one."""

    default_prefix = "repeat"
    has_fields = False

    earlier = line_field(_l("Earlier contact"), _l("Choose the earlier contact."), max_length=20)

    def unsaved_text(self) -> list[tuple[str, str]]:
        return []  # a button: nothing written to give back


class InboxFilterForm(BaseForm):
    """The inbox's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = line_field(_l("Search"), max_length=200)
    channel = SelectField(_l("Channel"), default="", validate_choice=True)
    category = IdSelectField(_l("Subject area"))
    status = SelectField(_l("Status"), default="", validate_choice=True)
