"""The knowledge base's forms: on its pages an article, a translation of one, a change
of its state, an answer template, and the labels of an article's visibility and state;
in the work, what a reply form needs to use the knowledge base (`UsedKnowledge`): the
hidden fields that carry the ids of the articles and templates inserted into it, and
the check that no placeholder is left in the text (`panel.blocking`)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from wtforms import BooleanField, HiddenField, SelectField
from wtforms.validators import StopValidation, ValidationError

from ..core.placeholders import PLACEHOLDERS, fill, known_only
from ..forms import (
    MAX_ID,
    BaseForm,
    CheckboxListField,
    EnumRadioField,
    IdSelectField,
    OptionalDateField,
    choice,
    line_field,
    text_field,
    whole_number,
)
from ..lazytext import lazy_gettext as _l
from . import panel
from .models import ArticleState, Visibility

VISIBILITY = {
    Visibility.INTERNAL: _l("Internal (staff only)"),
    Visibility.PUBLIC: _l("Public (citizens too)"),
}
STATE = {
    ArticleState.DRAFT: _l("Draft"),
    ArticleState.PUBLISHED: _l("Published"),
    ArticleState.ARCHIVED: _l("Archived"),
}

# An article's Markdown: room for a long guide, far from what could hurt.
BODY_MAX = 50_000
SUMMARY_MAX = 2_000
TEMPLATE_MAX = 5_000


# An optional date written as 2027-03-31, with a clear message for anything else.
ReviewDateField = OptionalDateField


def placeholder_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


class ArticleTextForm(BaseForm):
    """An article's words: its own, or a translation's (`TranslationForm`)."""

    title = line_field(_l("Title"), _l("Write a title."), max_length=200)
    summary = text_field(_l("Short answer"), max_length=SUMMARY_MAX)
    body = text_field(_l("Text"), max_length=BODY_MAX)
    # The version the form was filled in on (an edit): no lost updates.
    version = HiddenField()

    @property
    def seen_version(self) -> int | None:
        return whole_number(self.version.data, MAX_ID)

    def validate_summary(self, field) -> None:
        if not (field.data or "").strip() and not (self.body.data or "").strip():
            raise ValidationError(_l("Write the short answer or the text."))


class ArticleForm(ArticleTextForm):
    categories = CheckboxListField(_l("Subject areas"))
    group_id = IdSelectField(
        _l("Owning group"), required=True, required_message=_l("Choose the owning group.")
    )
    visibility = EnumRadioField(
        _l("Visibility"),
        default=Visibility.INTERNAL.value,
        choices=[choice(v.value, label) for v, label in VISIBILITY.items()],
    )
    state = EnumRadioField(_l("State"), default=ArticleState.DRAFT.value)
    for_frontline = BooleanField(_l("Customer service may read it"))
    review_on = ReviewDateField(_l("Review by"))
    note = line_field(_l("What did you change?"), max_length=200, optional=True)
    # Shown once the text was found to hold what looks like personal data.
    no_personal_data = BooleanField(_l("It is not personal data: save the text as it is"))

    def offer_states(self, states) -> None:
        self.state.choices = [choice(s.value, STATE[s]) for s in states]


class TranslationForm(ArticleTextForm):
    """An article's title, short answer and text in another language. ``version`` is
    the translation's version the form was filled in on, "0" when there was none."""

    no_personal_data = BooleanField(_l("It is not personal data: save the text as it is"))


class TranslationRemoveForm(BaseForm):
    """The button that removes a translation, with the version it was shown."""

    version = HiddenField()

    @property
    def seen_version(self) -> int | None:
        return whole_number(self.version.data, MAX_ID)


class StateForm(BaseForm):
    """Publish, archive or take back to draft: a button with the state it sets."""

    state = EnumRadioField(
        _l("State"), choices=[choice(s.value, label) for s, label in STATE.items()]
    )
    version = HiddenField()

    @property
    def seen_version(self) -> int | None:
        return whole_number(self.version.data, MAX_ID)


class TemplateForm(BaseForm):
    name = line_field(_l("Name"), _l("Give the template a name."), max_length=120)
    body = text_field(_l("Text"), _l("Write the template's text."), max_length=TEMPLATE_MAX)
    group_id = IdSelectField(_l("Shared in group"))
    category_id = IdSelectField(_l("Subject area"))

    def validate_body(self, field) -> None:
        unknown = known_only(field.data or "")
        if unknown:
            raise ValidationError(
                _l(
                    "Unknown placeholders: %(names)s. Use only %(known)s.",
                    names=", ".join("{" + name + "}" for name in unknown),
                    known=placeholder_list(),
                )
            )


class FilterForm(BaseForm):
    """The knowledge page's search box and filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    q = line_field(_l("Search articles and templates"), max_length=200)
    category = IdSelectField(_l("Subject area"))
    state = SelectField(_l("State"), default="", validate_choice=True)
    review = BooleanField(_l("Only my groups' articles due for review"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [choice("", _l("Published and drafts"))] + [
            choice(s.value, label) for s, label in STATE.items()
        ]


# --- in the work: a reply form's knowledge -------------------------------------


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
