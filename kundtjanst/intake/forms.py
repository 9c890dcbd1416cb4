"""The forms of the ways in: the citizen's question and message, and kundtjänst's
"Ny kontakt"."""

from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import StopValidation

from ..attachments.forms import AttachmentsField
from ..core.vocabulary import Channel
from ..forms import (
    MAX_ID,
    BaseForm,
    ChoiceField,
    EnumRadioField,
    IdSelectField,
    choice,
    choice_values,
    email_validator,
    line_field,
    phone_number,
    text_field,
    whole_number,
)
from ..kb import queries as kb_queries
from ..kb.forms import UsedKnowledge
from ..lazytext import lazy_gettext as _l
from .services import SUBMISSION, new_submission_id

SUBJECT_MAX = 200
REFERRAL_MAX = 200


def citizen_fields() -> tuple:
    """Optional contact details (name, e-mail, phone), the same on every intake form."""
    return (
        line_field(_l("Name"), max_length=120, optional=True),
        line_field(_l("E-mail"), max_length=254, optional=True, validators=[email_validator()]),
        line_field(_l("Phone"), max_length=40, optional=True, validators=[phone_number]),
    )


class QuestionForm(BaseForm):
    """The public question form (/fraga), with files attached if the citizen likes."""

    file_fields = ("attachments",)

    category = IdSelectField(
        _l("Subject area"),
        required=True,
        required_message=_l("Choose what your question is about."),
    )
    subject = line_field(_l("Heading"), _l("Write a short heading."), max_length=SUBJECT_MAX)
    question = text_field(_l("Your question"), _l("Write your question."))
    attachments = AttachmentsField(_l("Attach files"))
    name, email, phone = citizen_fields()
    # The one-time id of this filled-in form: sent twice, it is taken once.
    submission = HiddenField()
    # Set by "Send my question anyway" on the step that offered public answers.
    anyway = HiddenField()
    # Hidden from people (and labelled for anyone who meets it anyway); programs that
    # fill in every field they find fill this one too.
    website = line_field(_l("Leave this field empty"), max_length=200)

    def validate_website(self, field) -> None:
        if field.data:
            raise StopValidation(_l("Leave this field empty."))

    def submission_id(self) -> str:
        """The form's one-time id, or a new one when it came without a usable one."""
        given = self.submission.data or ""
        return given if SUBMISSION.match(given) else new_submission_id()


class SelfServiceForm(BaseForm):
    """ "I found the answer" on /fraga's step: which public article answered, in which
    subject area; nothing about the citizen (the question form's fields stay behind)."""

    article = HiddenField()
    category = IdSelectField(_l("Subject area"), required=True)

    def validate_article(self, field) -> None:
        number = whole_number(field.data or "", MAX_ID)
        self.found = kb_queries.get_public(number) if number is not None else None
        if self.found is None:
            raise StopValidation(_l("That answer is no longer published."))


class CitizenMessageForm(BaseForm):
    """A citizen adds information on the status page."""

    message = text_field(_l("Your message"), _l("Write a message."))


NEW_CONTACT_CHANNELS = (Channel.PHONE, Channel.VISIT, Channel.CHAT)


class CitizenLanguageField(ChoiceField):
    """The language the citizen spoke: one of the citizens' languages (the view gives the
    choices). A form sent without the field at all — a page opened before a release
    added it — is the default language, as every contact was before; anything sent
    in it must be one of the options."""

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0] if valuelist else None

    def pre_validate(self, form) -> None:
        if self.data is not None:
            super().pre_validate(form)


# The ways of finishing a contact that give the citizen an answer.
ANSWERING_ACTIONS = ("answered", "referred")
# Known when the contact is saved, not before: filled in then.
REFERENCE_LATER = "…"


class NewContactForm(UsedKnowledge, BaseForm):
    """Kundtjänst logs a call, chat or visit and finishes it in one submit, with the
    answer given (written with the knowledge panel, `kb.panel`) if they like."""

    channel = EnumRadioField(_l("Channel"), default=Channel.PHONE.value)
    category = IdSelectField(
        _l("Subject area"), required=True, required_message=_l("Choose a subject area.")
    )
    subject = line_field(_l("Subject"), _l("Write a short subject."), max_length=SUBJECT_MAX)
    notes = text_field(_l("Notes"))
    name, email, phone = citizen_fields()
    language = CitizenLanguageField(_l("Citizen's language"))
    answer = text_field(_l("Answer given"))
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
    referred_to = line_field(_l("Referred to"), max_length=REFERRAL_MAX)
    group = IdSelectField(_l("Answer group"))
    handoff_note = text_field(_l("Note to the answer group"))
    # The phone call this contact is logged for (`calls`), set when one is in progress.
    call = HiddenField(_l("Call"))

    def category_id(self) -> int | None:
        """The chosen subject area, when it is one of the options."""
        data = self.category.data
        return data if data is not None and data in choice_values(self.category) else None

    def validate_answer(self, field) -> None:
        if field.data and self.action.data not in ANSWERING_ACTIONS:
            raise StopValidation(
                _l(
                    "An answer is kept only when the contact is finished as answered or "
                    "referred. Put what the answer group needs to know in the note to it."
                )
            )
        self.check_placeholders(field)

    def validate_group(self, field) -> None:
        if self.action.data == "escalate" and field.data is None:
            raise StopValidation(_l("Choose the answer group to send the question to."))

    def validate_referred_to(self, field) -> None:
        if self.action.data == "referred" and not field.data:
            raise StopValidation(_l("Say where the citizen was referred, e.g. Skatteverket."))
