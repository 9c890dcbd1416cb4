"""Forms of the working-time page: the week's office hours, and a closed or
shortened day."""

from __future__ import annotations

import re
from datetime import date

from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from ..forms import BaseForm, EnumRadioField, choice, line_field
from ..lazytext import lazy_gettext as _l

_TIME = re.compile(r"([01]?[0-9]|2[0-4])[:.]([0-5][0-9])")
WEEKDAYS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)


def parse_minute(text: str | None) -> int | None:
    """ "8:00", "08.30", "24:00" → minutes after midnight; None when it is no time."""
    match = _TIME.fullmatch((text or "").strip())
    if not match:
        return None
    minute = int(match.group(1)) * 60 + int(match.group(2))
    return minute if minute <= 24 * 60 else None


def _time_field(label) -> StringField:
    return line_field(label, max_length=5)


class WeekForm(BaseForm):
    """Seven rows: open or not, opens, closes. Fields ``d0_open``, ``d0_opens`` …"""

    def day_fields(self, weekday: int):
        return (self[f"d{weekday}_open"], self[f"d{weekday}_opens"], self[f"d{weekday}_closes"])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.hours: list[tuple[int, int] | None] = []
        for weekday in range(7):
            is_open, opens, closes = self.day_fields(weekday)
            if not is_open.data:
                self.hours.append(None)
                continue
            start, end = parse_minute(opens.data), parse_minute(closes.data)
            if start is None:
                opens.errors = [*opens.errors, _l("Enter a time like 08:00.")]
            if end is None:
                closes.errors = [*closes.errors, _l("Enter a time like 16:30.")]
            if start is not None and end is not None and start >= end:
                closes.errors = [*closes.errors, _l("The office must close after it opens.")]
                end = None
            valid = valid and start is not None and end is not None
            self.hours.append((start, end) if start is not None and end is not None else None)
        return valid


for _day in range(7):
    setattr(WeekForm, f"d{_day}_open", BooleanField(_l("Open on %(day)s", day=WEEKDAYS[_day])))
    setattr(WeekForm, f"d{_day}_opens", _time_field(_l("%(day)s opens", day=WEEKDAYS[_day])))
    setattr(WeekForm, f"d{_day}_closes", _time_field(_l("%(day)s closes", day=WEEKDAYS[_day])))


class SpecialDayForm(BaseForm):
    default_prefix = "special"

    day = line_field(_l("Date"), max_length=10)
    kind = EnumRadioField(
        _l("The office is"),
        default="closed",
        choices=[
            choice("closed", _l("Closed all day")),
            choice("shortened", _l("Open, but closes early")),
        ],
    )
    closes = _time_field(_l("Closes at"))
    note = line_field(_l("Note"), max_length=120)

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.day.flags.required = True

    def validate_day(self, field) -> None:
        try:
            field.parsed = date.fromisoformat(field.data or "")
        except ValueError as error:
            raise ValidationError(_l("Enter a date like 2026-05-15.")) from error
        if self.today is not None:
            if field.parsed < self.today:
                raise ValidationError(_l("Choose today or a later date."))
            if field.parsed.year > self.today.year + 5:
                raise ValidationError(_l("Choose a date within the next five years."))

    def validate_closes(self, field) -> None:
        if self.kind.data != "shortened":
            field.minute = None
            return
        minute = parse_minute(field.data)
        if minute is None or not 0 < minute < 24 * 60:
            raise ValidationError(_l("Enter the closing time, like 13:00."))
        field.minute = minute
