"""The login, one's own password, and the administrators' user forms."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from ..choices import labelled
from ..forms import (
    BaseForm,
    CheckboxListField,
    ChoiceField,
    at_most,
    email_validator,
    line_field,
    name_field,
)
from ..labels import ROLE
from ..lazytext import lazy_gettext as _l
from .models import Role
from .services import UserError, check_password_strength


class LoginForm(BaseForm):
    email = line_field(_l("E-mail"), _l("Enter your e-mail address."), max_length=254)
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), at_most(200)]
    )


class ChangePasswordForm(BaseForm):
    """A user's own new password. The length rule is checked by ``change_password``,
    the same as for administrators and ``flask users``."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(_l("Enter your current password.")), at_most(200)],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a new password.")), at_most(200)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Enter the new password again.")),
            EqualTo("new_password", _l("The two new passwords are not the same.")),
        ],
    )


class LanguageForm(BaseForm):
    """The language a user works in; the choices are LANGUAGES, each in itself."""

    language = ChoiceField(_l("Language"), required=True)


def password_strength(form, field) -> None:
    """The same rule as ``flask users create``."""
    try:
        check_password_strength(field.data or "")
    except UserError as error:
        raise ValidationError(str(error)) from error


class UserForm(BaseForm):
    """Editing a user; `NewUserForm` adds the first password."""

    email = line_field(
        _l("E-mail"),
        _l("Enter an e-mail address."),
        max_length=254,
        validators=[email_validator()],
    )
    name = name_field(_l("Name"), _l("Enter a name."))
    role = ChoiceField(
        _l("Role"),
        required=True,
        default=Role.STAFF.value,
        choices=labelled(ROLE),
    )
    memberships = CheckboxListField(_l("Groups"))
    active = BooleanField(_l("Active (can log in)"), default=True)


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter a password.")), at_most(200), password_strength],
    )


class PasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("Enter a password.")), at_most(200), password_strength],
    )
