"""The dashboard's period selector and filters (a GET form)."""

from __future__ import annotations

from datetime import date

from flask import current_app
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from .. import locales
from ..core.statistics import PRESETS, Period, preset_period
from ..core.timeutil import FIRST_DAY, LAST_DAY
from ..forms import BaseForm, ChoiceField, IdSelectField, SelectChoice, choice
from ..labels import CHANNEL
from ..lazytext import lazy_gettext as _l

PRESET_LABELS = {
    "today": _l("Today"),
    "week": _l("This week"),
    "month": _l("This month"),
    "last_month": _l("Last month"),
    "year": _l("This year"),
    "last_12_months": _l("Last 12 months"),
    "custom": _l("Chosen dates"),
}

MAX_DAYS = 3 * 366 + 1


class StatsFilterForm(BaseForm):
    class Meta:
        csrf = False

    period = SelectField(
        _l("Period"),
        default="month",
        choices=[choice(key, PRESET_LABELS[key]) for key in (*PRESETS, "custom")],
    )
    start = DateField(_l("From"), name="from", validators=[Optional()], format="%Y-%m-%d")
    end = DateField(_l("To"), name="to", validators=[Optional()], format="%Y-%m-%d")
    channel = SelectField(_l("Channel"), default="")
    department = IdSelectField(_l("Department"))
    group = IdSelectField(_l("Group"))
    category = IdSelectField(_l("Subject area"))
    # The citizen's language (the ticket's): one of CITIZEN_LANGUAGES, each named in
    # itself (and marked as written in it, for screen readers).
    language = ChoiceField(_l("Language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [choice("", _l("All channels"))] + [
            choice(c.value, label) for c, label in CHANNEL.items()
        ]
        self.language.choices = [choice("", _l("All languages"))] + [
            SelectChoice(code, locales.name(code), {"lang": locales.tag(code)})
            for code in current_app.config["CITIZEN_LANGUAGES"]
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.period.data != "custom":
            return valid
        message = None
        chosen = [d for d in (self.start.data, self.end.data) if d is not None]
        if any(not FIRST_DAY <= d <= LAST_DAY for d in chosen):
            message = _l(
                "Choose dates from %(first)s to %(last)s.",
                first=FIRST_DAY.isoformat(),
                last=LAST_DAY.isoformat(),
            )
        elif self.start.data is None or self.end.data is None:
            if not (self.start.errors or self.end.errors):
                message = _l("Give both dates for a chosen period.")
        elif self.end.data < self.start.data:
            message = _l("The end date is before the start date.")
        elif (self.end.data - self.start.data).days + 1 > MAX_DAYS:
            message = _l("Choose at most three years.")
        if message:
            self.end.errors = [*self.end.errors, message]
            return False
        return valid

    def chosen_period(self, today: date) -> Period:
        if self.period.data == "custom" and self.start.data and self.end.data:
            return Period(self.start.data, self.end.data)
        if self.period.data in PRESETS:
            return preset_period(self.period.data, today)
        return preset_period("month", today)
