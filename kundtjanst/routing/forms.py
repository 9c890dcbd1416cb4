"""The administrators' form for a routing rule."""

from __future__ import annotations

import re

from wtforms import BooleanField
from wtforms.validators import ValidationError

from ..core.routing import parse_keywords
from ..forms import BaseForm, ChoiceField, IdSelectField, line_field, name_field, text_field
from ..lazytext import lazy_gettext as _l

_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


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


class AnyLanguageField(ChoiceField):
    """The citizen's language a rule looks for; blank, or left out of the form (a page
    opened before a release added it), is any language."""

    def pre_validate(self, form) -> None:
        if self.data is None:
            self.data = ""
        super().pre_validate(form)


class RuleForm(BaseForm):
    name = name_field(_l("Name"), _l("Enter a name for the rule."))
    active = BooleanField(_l("Active"), default=True)
    channel = ChoiceField(_l("Channel"))
    category_id = IdSelectField(_l("Subject area"))
    keywords = text_field(_l("Keywords"), max_length=2000, optional=True)
    email_domain = line_field(_l("Citizen's e-mail domain"), max_length=253, optional=True)
    language = AnyLanguageField(_l("Citizen's language"))
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
