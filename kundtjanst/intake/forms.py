"""The forms of the ways in: the citizen's question and message, and kundtjänst's
"Ny kontakt"."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from ..core.vocabulary import Channel
from ..forms import (
    BaseForm,
    EnumRadioField,
    IdSelectField,
    blank_to_none,
    choice,
    email_validator,
    phone_number,
    strip,
)

SUBJECT_MAX = 200
TEXT_MAX = 10_000


def citizen_fields() -> tuple[StringField, StringField, StringField]:
    """Optional contact details (name, e-mail, phone), the same on every intake form."""
    return (
        StringField(_l("Name"), filters=[blank_to_none], validators=[Optional(), Length(max=120)]),
        StringField(
            _l("E-mail"),
            filters=[blank_to_none],
            validators=[Optional(), Length(max=254), email_validator()],
        ),
        StringField(
            _l("Phone"),
            filters=[blank_to_none],
            validators=[Optional(), Length(max=40), phone_number],
        ),
    )


class QuestionForm(BaseForm):
    """The public question form (/fraga)."""

    category = IdSelectField(
        _l("Subject area"),
        required=True,
        required_message=_l("Choose what your question is about."),
    )
    subject = StringField(
        _l("Heading"),
        filters=[strip],
        validators=[DataRequired(_l("Write a short heading.")), Length(max=SUBJECT_MAX)],
    )
    question = TextAreaField(
        _l("Your question"),
        filters=[strip],
        validators=[DataRequired(_l("Write your question.")), Length(max=TEXT_MAX)],
    )
    name, email, phone = citizen_fields()


class CitizenMessageForm(BaseForm):
    """A citizen adds information on the status page."""

    message = TextAreaField(
        _l("Your message"),
        filters=[strip],
        validators=[DataRequired(_l("Write a message.")), Length(max=TEXT_MAX)],
    )


NEW_CONTACT_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.CHAT)


class NewContactForm(BaseForm):
    """Kundtjänst logs a call, chat or visit and finishes it in one submit."""

    channel = EnumRadioField(_l("Channel"), default=Channel.PHONE.value)
    category = IdSelectField(
        _l("Subject area"), required=True, required_message=_l("Choose a subject area.")
    )
    subject = StringField(
        _l("Subject"),
        filters=[strip],
        validators=[DataRequired(_l("Write a short subject.")), Length(max=SUBJECT_MAX)],
    )
    notes = TextAreaField(_l("Notes"), filters=[strip], validators=[Length(max=TEXT_MAX)])
    name, email, phone = citizen_fields()
    action = EnumRadioField(
        _l("Finish as"),
        default="answered",
        choices=[
            choice("answered", _l("Answered now")),
            choice("referred", _l("Referred to another authority now")),
            choice("escalate", _l("Send to answer group")),
            choice("open", _l("Keep open")),
        ],
    )
    referred_to = StringField(
        _l("Referred to"), filters=[blank_to_none], validators=[Length(max=200)]
    )
    group = IdSelectField(_l("Answer group"))
    handoff_note = TextAreaField(
        _l("Note to the answer group"), filters=[strip], validators=[Length(max=TEXT_MAX)]
    )

    def validate_group(self, field) -> None:
        if self.action.data == "escalate" and field.data is None:
            raise StopValidation(_l("Choose the answer group to send the question to."))

    def validate_referred_to(self, field) -> None:
        if self.action.data == "referred" and not field.data:
            raise StopValidation(_l("Say where the citizen was referred, e.g. Skatteverket."))
