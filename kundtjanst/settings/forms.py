"""The settings form: one number field per defined setting."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..forms import BaseForm
from .services import REGISTRY


def settings_form_class() -> type[BaseForm]:
    """A form with one number field per defined setting."""
    fields = {}
    for key, definition in REGISTRY.items():
        fields[key] = IntegerField(
            definition.label,
            description=definition.help,
            validators=[
                InputRequired(_("Enter a number.")),
                NumberRange(definition.minimum, definition.maximum),
            ],
        )
    return type("SettingsForm", (BaseForm,), fields)
