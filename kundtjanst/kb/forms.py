"""What a reply form needs to use the knowledge base: the hidden fields that carry
the ids of the articles and templates inserted into it, and the check that no
placeholder is left in the text (`panel.blocking`)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField
from wtforms.validators import StopValidation

from ..core.placeholders import fill
from . import panel


def _ids(raw):
    """A hidden field's ids kept as they should be: whole numbers, each once."""
    return panel.join_ids(panel.parse_ids(raw if isinstance(raw, str) else None))


class UsedKnowledge:
    """Mixed into a reply form: what was inserted (ids, "3,7"), and the values the
    placeholders are filled with (set before validation by the form's owner)."""

    used_articles = HiddenField(filters=[_ids])
    used_templates = HiddenField(filters=[_ids])
    placeholder_values: dict[str, str | None] = {}

    def check_placeholders(self, field) -> None:
        """Stop a text that would reach the citizen with ``{namn}`` in it."""
        names = panel.blocking(field.data, self.placeholder_values)
        if names:
            raise StopValidation(placeholder_message(names))

    def filled(self, text: str | None) -> str | None:
        """``text`` with the placeholders that can be filled, filled."""
        if not text:
            return text
        return fill(text, self.placeholder_values).text

    def insert(self, field, asked: panel.Request, given: dict[str, str | None]) -> str | None:
        """Append to ``field`` what the panel's insert button ``asked`` for, filled in
        with ``given``, and remember its id: the kind inserted, or None when it names
        nothing the person may use (then nothing changes)."""
        inserted = panel.insertion(current_user, asked, given)
        if inserted is None:
            return None
        kind, text, new_id = inserted
        field.data = panel.append(field.data, text)
        self.keep_used(kind, new_id)
        return kind

    def keep_used(self, kind: str, new_id: int) -> None:
        """Add ``new_id`` to the ids of ``kind`` ("article"/"template") inserted so far."""
        hidden = self.used_articles if kind == "article" else self.used_templates
        ids = panel.parse_ids(hidden.data)
        if new_id not in ids:
            ids.append(new_id)
        hidden.data = panel.join_ids(ids[: panel.MAX_USED])


def placeholder_message(names: list[str]) -> str:
    shown = ", ".join("{" + name + "}" for name in names)
    return _(
        "Fill in %(placeholders)s before sending: the citizen must never get a "
        "placeholder. Replace it with the right text, or remove it.",
        placeholders=shown,
    )
