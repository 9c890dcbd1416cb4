"""The settings form: one number field per defined setting."""

from __future__ import annotations

from ..forms import BaseForm, WholeNumberField
from .services import REGISTRY


def settings_form_class(keys=None) -> type[BaseForm]:
    """A form with one number field per defined setting (or per one of ``keys``: a form
    from before a setting was defined changes only what it shows)."""
    fields = {}
    for key, definition in REGISTRY.items():
        if keys is not None and key not in keys:
            continue
        fields[key] = WholeNumberField(
            definition.label,
            description=definition.help,
            minimum=definition.minimum,
            maximum=definition.maximum,
        )
    return type("SettingsForm", (BaseForm,), fields)
