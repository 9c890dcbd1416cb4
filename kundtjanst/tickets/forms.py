from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from ..forms import BaseForm, EnumRadioField, IdSelectField, blank_to_none, choice, strip
from ..labels import OUTCOME
from .models import Outcome

TEXT_MAX = 10_000


class ActionForm(BaseForm):
    """A bare button (claim, release): only the CSRF token."""


class ReplyForm(BaseForm):
    default_prefix = "reply"

    body = TextAreaField(
        _l("Reply to the citizen"),
        filters=[strip],
        validators=[DataRequired(_l("Write the reply.")), Length(max=TEXT_MAX)],
    )


class NoteForm(BaseForm):
    default_prefix = "note"

    body = TextAreaField(
        _l("Internal note"),
        filters=[strip],
        validators=[DataRequired(_l("Write the note.")), Length(max=TEXT_MAX)],
    )


class EscalateForm(BaseForm):
    default_prefix = "escalate"

    group = IdSelectField(
        _l("Answer group"), required=True, required_message=_l("Choose an answer group.")
    )
    note = TextAreaField(
        _l("Note to the answer group"), filters=[strip], validators=[Length(max=TEXT_MAX)]
    )


class TransferForm(BaseForm):
    default_prefix = "transfer"

    group = IdSelectField(_l("To group"), required=True, required_message=_l("Choose a group."))
    note = TextAreaField(_l("Why"), filters=[strip], validators=[Length(max=TEXT_MAX)])


class ResolveForm(BaseForm):
    default_prefix = "resolve"

    outcome = EnumRadioField(
        _l("Outcome"),
        default=Outcome.ANSWERED.value,
        choices=[choice(o.value, OUTCOME[o]) for o in Outcome],
    )
    reply = TextAreaField(
        _l("Answer to the citizen"), filters=[strip], validators=[Length(max=TEXT_MAX)]
    )
    during_contact = BooleanField(
        _l("The answer was given during the citizen's call, chat or visit")
    )
    diarienummer = StringField(
        _l("Registration number (diarienummer)"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=60)],
    )
    referred_to = StringField(
        _l("Referred to"), filters=[blank_to_none], validators=[Length(max=200)]
    )
    note = TextAreaField(_l("Internal note"), filters=[strip], validators=[Length(max=TEXT_MAX)])
    # The learning loop (answer groups only).
    could_have_answered = BooleanField(_l("Customer service could have answered this"))
    could_reason = IdSelectField(_l("Why"))
    could_note = StringField(
        _l("What customer service needs to know"),
        filters=[blank_to_none],
        validators=[Length(max=500)],
    )

    def validate_referred_to(self, field) -> None:
        if self.outcome.data == Outcome.REFERRED.value and not field.data:
            raise StopValidation(_l("Say where the citizen was referred, e.g. Skatteverket."))

    def validate_could_reason(self, field) -> None:
        if self.could_have_answered.data and field.data is None:
            raise StopValidation(_l("Choose why customer service could have answered."))


class RepeatForm(BaseForm):
    """Confirm that this contact repeats an earlier one."""

    default_prefix = "repeat"

    earlier = StringField(validators=[DataRequired(), Length(max=20)])


class InboxFilterForm(BaseForm):
    """The inbox's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[strip], validators=[Length(max=200)])
    channel = SelectField(_l("Channel"), default="", validate_choice=True)
    category = IdSelectField(_l("Subject area"))
    status = SelectField(_l("Status"), default="", validate_choice=True)
