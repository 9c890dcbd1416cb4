"""Form base class and field helpers shared by every feature."""

from __future__ import annotations

import re
from datetime import datetime

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from .core.text import has_direction_control, has_line_break
from .lazytext import lazy_gettext as _l

# Control characters other than tab and line breaks never belong in a form;
# PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[0-9 ()\-/]{5,40}$")
_DIGITS = re.compile(r"[0-9]{1,18}")
# Ids are PostgreSQL integers: a larger number can name no row.
MAX_ID = 2**31 - 1


def whole_number(text, maximum: int) -> int | None:
    """``text`` as a whole number from 0 to ``maximum``, or None.

    Only the digits 0–9 count: ``str.isdigit`` also accepts "²" (which ``int``
    refuses) and "٣" (which it reads as 3), and ``int`` refuses over 4,300 digits.
    """
    if isinstance(text, str) and _DIGITS.fullmatch(text):
        number = int(text)
        return number if number <= maximum else None
    return None


def strip(value):
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# Fields whose absence from a submitted form is itself a value (an unticked box,
# an empty checkbox list) or that are not the user's input.
_ABSENT_MEANS_SOMETHING = (BooleanField, SelectMultipleField, HiddenField, SubmitField)


# "Read the submitted form": BaseForm's default for ``formdata``.
_SUBMITTED = object()


class BaseForm(FlaskForm):
    """A FlaskForm (CSRF included) that also refuses control characters everywhere.

    A submitted form is read from the form fields of the request body only
    (``request.form``): never from a JSON body, and never from uploaded files but for
    the fields named in ``file_fields`` (the public question form's attachments), so
    every other field's value is text before validation. ``default_prefix`` keeps
    field ids unique when several forms share a page.
    """

    default_prefix = ""
    # The fields that take files (`attachments.forms.AttachmentsField`): only they are
    # given the files sent under their names; every other field, and every other form,
    # never sees a file (a file part under another field's name is no value at all).
    file_fields: tuple[str, ...] = ()

    def __init__(self, formdata=_SUBMITTED, **kwargs):
        kwargs.setdefault("prefix", self.default_prefix)
        if formdata is _SUBMITTED:
            formdata = self._submitted(kwargs["prefix"]) if self.is_submitted() else None
        super().__init__(formdata, **kwargs)

    def _submitted(self, prefix: str):
        if not self.file_fields:
            return request.form
        submitted = request.form.copy()
        for name in self.file_fields:
            full = f"{prefix}-{name}" if prefix else name
            submitted.setlist(full, request.files.getlist(full))  # text under it: ignored
        return submitted

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        """A submitted form is read as submitted: a field missing from it is empty,
        not the stored value it was shown with (WTForms would keep that)."""
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        submitted = self.meta.wrap_formdata(self, formdata)
        if submitted is None or (obj is None and data is None and not kwargs):
            return
        for field in self:
            if field.name not in submitted and not isinstance(field, _ABSENT_MEANS_SOMETHING):
                field.data = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            data = field.data
            values = data if isinstance(data, list) else [data]
            if any(isinstance(v, str) and _CONTROL.search(v) for v in values):
                field.errors = [*field.errors, _l("Contains characters that are not allowed.")]
                valid = False
        return valid

    @property
    def all_errors(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for the error summary at the top of the page."""
        out = []
        for field in self:
            for message in field.errors:
                out.append((field.id, field.label.text, message))
        return out


_DIRECTION_MESSAGE = _l(
    "The text holds invisible characters that change its direction. Remove them."
)


def single_line(form, field) -> None:
    """One line, read as written: no line break (it would add lines to an e-mail or
    break its headers) and no direction control."""
    if isinstance(field.data, str):
        if has_line_break(field.data):
            raise StopValidation(_l("Write this on one line, without line breaks."))
        if has_direction_control(field.data):
            raise StopValidation(_DIRECTION_MESSAGE)


def no_direction_controls(form, field) -> None:
    """Line breaks are welcome in a text over several lines; direction controls not."""
    if isinstance(field.data, str) and has_direction_control(field.data):
        raise StopValidation(_DIRECTION_MESSAGE)


# The longest free text a form takes (a question, a reply, a note).
TEXT_MAX = 10_000


def at_most(characters: int) -> Length:
    """Length with our message (WTForms' is English in a language it has none for)."""
    return Length(max=characters, message=_l("Field cannot be longer than %(max)d characters."))


def text_field(
    label, required=None, *, max_length: int = TEXT_MAX, optional: bool = False
) -> TextAreaField:
    """Free text over several lines (a question, a reply, a note). ``required`` is the
    message for leaving it empty; without one the field may be empty (None when
    ``optional``)."""
    if required:
        first, keep = [DataRequired(required)], strip
    else:
        first, keep = ([Optional()], blank_to_none) if optional else ([], strip)
    return TextAreaField(
        label,
        filters=[keep],
        validators=[*first, no_direction_controls, at_most(max_length)],
    )


def line_field(
    label, required=None, *, max_length: int, optional: bool = False, validators=(), **kwargs
) -> StringField:
    """One line of text (a subject, a name, a referral, an e-mail address): every
    single-line text field of the application is made here. ``required`` is the
    message for leaving it empty; an empty optional one is None (``optional`` also
    skips the remaining ``validators`` then, as for an e-mail address left out).
    ``kwargs`` go to the field (its ``name`` in the query string, say)."""
    if required:
        first, keep = [DataRequired(required)], strip
    else:
        first, keep = ([Optional()] if optional else []), blank_to_none
    return StringField(
        label,
        filters=[keep],
        validators=[*first, single_line, at_most(max_length), *validators],
        **kwargs,
    )


def email_validator():
    return Email(message=_l("Enter a valid e-mail address, like namn@exempel.se."))


def phone_number(form, field) -> None:
    if field.data and not _PHONE.match(field.data):
        raise ValidationError(_l("Enter a phone number with digits, like 070-123 45 67."))


def choice(value, label) -> SelectChoice:
    """One option of a select or radio field."""
    return SelectChoice(value=value, label=label)


def choice_values(field) -> set:
    values = set()
    for item in field.choices or ():
        value = item.value if isinstance(item, SelectChoice) else item[0]
        if value not in ("", None):
            values.add(value)
    return values


def _coerce_id(value):
    """Database ids from a select; anything that is not one becomes -1 (no such choice)."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    number = whole_number(str(value), MAX_ID)
    return -1 if number is None else number


class IdSelectField(SelectField):
    """A select of database ids, with an optional blank first option and clear messages."""

    def __init__(self, label=None, *, required: bool = False, required_message=None, **kwargs):
        super().__init__(label, coerce=_coerce_id, validate_choice=False, **kwargs)
        self.required = required
        self.required_message = required_message or _l("Choose one of the options.")
        self.flags.required = required

    def pre_validate(self, form) -> None:
        if self.data is None:
            if self.required:
                raise StopValidation(self.required_message)
            return
        if self.data not in choice_values(self):
            raise StopValidation(_l("Choose one of the options."))


class EnumRadioField(RadioField):
    """Radio buttons over an enum's values, refusing anything else clearly.

    One option is always chosen on the page (there is a default), so the field is
    required; a submitted form without it is refused, not given the default.
    """

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.flags.required = True

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            self.data = None
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        if self.data not in choice_values(self):
            raise StopValidation(_l("Choose one of the options."))


class ButtonForm(BaseForm):
    """A bare button (claim, delete, move a rule): only the CSRF token."""


# --- fields the administration forms share ----------------------------------------

_NUMBER = re.compile(r"-?[0-9]{1,12}")


def _coerce_ids(value):
    """A checkbox value: a database id, or -1 for anything that cannot be one."""
    if isinstance(value, int):
        return value
    number = whole_number(str(value), MAX_ID)
    return -1 if number is None else number


class CheckboxListField(SelectMultipleField):
    """Database ids as a list of checkboxes (the ``field`` macro renders them so)."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, coerce=_coerce_ids, validate_choice=False, **kwargs)

    def pre_validate(self, form) -> None:
        allowed = {self.coerce(c.value) for c in self.iter_choices()}
        if any(value not in allowed for value in self.data or ()):
            raise StopValidation(_l("Choose one of the options."))


class ChoiceField(SelectField):
    """A select over fixed values (the first may be blank), refusing anything else."""

    def __init__(self, label=None, *, required: bool = False, **kwargs):
        super().__init__(label, validate_choice=False, **kwargs)
        self.flags.required = required

    def process_formdata(self, valuelist) -> None:
        self.data = valuelist[0] if valuelist else ""

    def pre_validate(self, form) -> None:
        if self.data not in {c.value for c in self.iter_choices()}:
            raise StopValidation(_l("Choose one of the options."))


class WholeNumberField(IntegerField):
    """A required whole number between ``minimum`` and ``maximum``, with one clear message."""

    def __init__(self, label=None, *, minimum: int, maximum: int, **kwargs):
        super().__init__(label, **kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.flags.required = True

    def process_formdata(self, valuelist) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = int(text) if _NUMBER.fullmatch(text) else None

    def pre_validate(self, form) -> None:
        if self.data is None or not self.minimum <= self.data <= self.maximum:
            raise StopValidation(
                _l(
                    "Enter a whole number from %(min)d to %(max)d.",
                    min=self.minimum,
                    max=self.maximum,
                )
            )


class OptionalWholeNumberField(WholeNumberField):
    """Like `WholeNumberField`, but may be left empty (None)."""

    def __init__(self, label=None, *, minimum: int, maximum: int, **kwargs):
        super().__init__(label, minimum=minimum, maximum=maximum, **kwargs)
        self.flags.required = False

    def process_formdata(self, valuelist) -> None:
        self.blank = not (valuelist and valuelist[0].strip())
        super().process_formdata(valuelist)

    def pre_validate(self, form) -> None:
        if getattr(self, "blank", self.data is None):
            self.data = None
            return
        super().pre_validate(form)


def name_field(label, message) -> StringField:
    """A required name of up to 120 characters (a department, a group, a user …)."""
    return line_field(label, message, max_length=120)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class OptionalDateField(DateField):
    """An optional date written as 2027-03-31 (what a date input sends), with a clear
    message for anything else."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, validators=[Optional()], format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            self.data = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError as error:
            raise ValueError(_l("Enter a date like 2027-03-31.")) from error


class TextCheckboxListField(SelectMultipleField):
    """Texts (not ids) as a list of checkboxes; only the offered ones are accepted."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, coerce=str, validate_choice=False, **kwargs)

    def pre_validate(self, form) -> None:
        allowed = {c.value for c in self.iter_choices()}
        if any(value not in allowed for value in self.data or ()):
            raise StopValidation(_l("Choose one of the options."))
