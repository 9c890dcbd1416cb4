"""Forms of the administration screens. They parse and check the input's
shape; the domain rules (uniqueness, the one kundtjänst group …) are in the
services."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ..auth.models import Role
from ..auth.services import UserError, check_password_strength
from ..core.routing import parse_keywords
from ..core.vocabulary import GroupKind
from ..forms import (
    MAX_ID,
    BaseForm,
    IdSelectField,
    blank_to_none,
    choice,
    email_validator,
    strip,
    whole_number,
)
from ..labels import GROUP_KIND, ROLE

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
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


def password_strength(form, field) -> None:
    """The same rule as ``flask users create``."""
    try:
        check_password_strength(field.data or "")
    except UserError as error:
        raise ValidationError(str(error)) from error


def name_field(label, message):
    return StringField(label, filters=[strip], validators=[DataRequired(message), Length(max=120)])


class ConfirmForm(BaseForm):
    """A bare button (delete, move): only the CSRF token."""


# --- users --------------------------------------------------------------------


class UserForm(BaseForm):
    """Editing a user; `NewUserForm` adds the first password."""

    email = StringField(
        _l("E-mail"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter an e-mail address.")),
            Length(max=254),
            email_validator(),
        ],
    )
    name = name_field(_l("Name"), _l("Enter a name."))
    role = ChoiceField(
        _l("Role"),
        required=True,
        default=Role.STAFF.value,
        choices=[choice(r.value, ROLE[r]) for r in Role],
    )
    memberships = CheckboxListField(_l("Groups"))
    active = BooleanField(_l("Active (can log in)"), default=True)


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password.")), Length(max=200), password_strength],
    )


class PasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a password.")), Length(max=200), password_strength],
    )


# --- departments and groups -----------------------------------------------------


class DepartmentForm(BaseForm):
    name = name_field(_l("Name"), _l("Enter the department's name."))


class GroupForm(BaseForm):
    slug = StringField(
        _l("Short name"),
        filters=[strip],
        validators=[DataRequired(_l("Enter a short name.")), Length(max=60)],
    )
    name = name_field(_l("Name"), _l("Enter the group's name."))
    kind = ChoiceField(
        _l("Kind"),
        required=True,
        default=GroupKind.ANSWER.value,
        choices=[choice(k.value, GROUP_KIND[k]) for k in GroupKind],
    )
    department_id = IdSelectField(_l("Department"))
    confidential = BooleanField(_l("Confidential: only the group's members may read its tickets"))
    email = StringField(
        _l("E-mail"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=254), email_validator()],
    )
    sla_hours = OptionalWholeNumberField(
        _l("Time to answer in this group (working hours)"), minimum=1, maximum=1000
    )
    unclaimed_alert_hours = OptionalWholeNumberField(
        _l("Alert when unclaimed for (working hours)"), minimum=1, maximum=1000, default=4
    )
    active = BooleanField(_l("Active"), default=True)

    def validate_slug(self, field) -> None:
        if not _SLUG.fullmatch(field.data):
            raise ValidationError(
                _l("Use lower-case letters a–z, digits and hyphens, like “bygglov-2”.")
            )


# --- categories -----------------------------------------------------------------


class CategoryForm(BaseForm):
    name = name_field(_l("Name"), _l("Enter the subject area's name."))
    description = TextAreaField(
        _l("Description"), filters=[blank_to_none], validators=[Optional(), Length(max=2000)]
    )
    default_group_id = IdSelectField(_l("Default answer group"))
    sla_hours = WholeNumberField(
        _l("Time to answer (working hours)"), minimum=1, maximum=1000, default=16
    )
    answer_sla_hours = WholeNumberField(
        _l("Time to answer in the answer group (working hours)"),
        minimum=1,
        maximum=1000,
        default=24,
    )
    retention_months = WholeNumberField(
        _l("Retention time (months)"), minimum=1, maximum=120, default=24
    )
    active = BooleanField(_l("Active"), default=True)


# --- the learning loop's reasons ------------------------------------------------


class ReasonForm(BaseForm):
    name = StringField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(_l("Write the reason.")), Length(max=120)],
    )
    active = BooleanField(_l("Active"), default=True)


# --- routing rules ----------------------------------------------------------------


def normalise_domain(text: str | None) -> str | None:
    """ "@Skola.Kommun.SE." → "skola.kommun.se"; raises ValueError if it is no domain."""
    if not text:
        return None
    domain = text.strip().lstrip("@").rstrip(".").casefold()
    try:
        ascii_form = domain.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise ValueError(domain) from error
    labels = ascii_form.split(".")
    if (
        len(ascii_form) > 253
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValueError(domain)
    return domain


class RuleForm(BaseForm):
    name = name_field(_l("Name"), _l("Enter a name for the rule."))
    active = BooleanField(_l("Active"), default=True)
    channel = ChoiceField(_l("Channel"))
    category_id = IdSelectField(_l("Subject area"))
    keywords = TextAreaField(
        _l("Keywords"), filters=[blank_to_none], validators=[Optional(), Length(max=2000)]
    )
    email_domain = StringField(
        _l("Citizen's e-mail domain"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=253)],
    )
    group_id = IdSelectField(
        _l("Send to group"), required=True, required_message=_l("Choose a group.")
    )
    priority = ChoiceField(_l("Priority"))

    def validate_keywords(self, field) -> None:
        if any(not re.search(r"\w", p) for p in parse_keywords(field.data)):
            raise ValidationError(_l("Every keyword needs at least one letter or digit."))

    def validate_email_domain(self, field) -> None:
        try:
            field.data = normalise_domain(field.data)
        except ValueError as error:
            raise ValidationError(
                _l("Enter a domain like “skola.kommun.se”, without the part before @.")
            ) from error
