"""Working time: the Swedish calendar, table tests for the moving holidays, and
properties (monotonic, additive, never ends in closed time) checked by hypothesis
over daylight-saving changes and year ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundtjanst.core.timeutil import STOCKHOLM
from kundtjanst.core.workingtime import (
    DEFAULT_CALENDAR,
    Calendar,
    Hours,
    add_working_time,
    is_working_time,
    next_working_time,
    swedish_holidays,
    working_time_between,
)

H = timedelta(hours=1)
DAY = timedelta(hours=8, minutes=30)


def sthlm(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


# --- the calendar: DOMAIN.md's weekday non-working days --------------------------

WEEKDAYS_OFF = {
    2025: "01-01 01-06 04-18 04-21 05-01 05-29 06-06 06-20 12-24 12-25 12-26 12-31",
    2026: "01-01 01-06 04-03 04-06 05-01 05-14 06-19 12-24 12-25 12-31",
    2027: "01-01 01-06 03-26 03-29 05-06 06-25 12-24 12-31",
}


@pytest.mark.parametrize("year", sorted(WEEKDAYS_OFF))
def test_weekday_non_working_days(year):
    expected = {date.fromisoformat(f"{year}-{md}") for md in WEEKDAYS_OFF[year].split()}
    day, found = date(year, 1, 1), set()
    while day.year == year:
        if day.weekday() < 5 and not DEFAULT_CALENDAR.is_working_day(day):
            found.add(day)
        day += timedelta(days=1)
    assert found == expected


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2025-06-20", "Midsommarafton"),
        ("2026-06-19", "Midsommarafton"),
        ("2027-06-25", "Midsommarafton"),
        ("2026-04-03", "Långfredagen"),
        ("2026-04-06", "Annandag påsk"),
        ("2025-05-29", "Kristi himmelsfärdsdag"),
        ("2026-05-14", "Kristi himmelsfärdsdag"),
        ("2027-05-06", "Kristi himmelsfärdsdag"),
        ("2026-12-24", "Julafton"),
        ("2026-12-31", "Nyårsafton"),
    ],
)
def test_holiday_names_in_swedish(day, name):
    d = date.fromisoformat(day)
    assert swedish_holidays(d.year)[d].casefold() == name.casefold()
    assert not DEFAULT_CALENDAR.is_working_day(d)


def test_sundays_are_not_listed_as_holidays_but_the_office_is_closed():
    assert date(2026, 6, 21) not in swedish_holidays(2026)  # an ordinary Sunday
    assert not DEFAULT_CALENDAR.is_working_day(date(2026, 6, 21))


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        # Midsommar: Thursday afternoon → over midsommarafton and the weekend.
        (sthlm(2026, 6, 18, 15, 0), 4, sthlm(2026, 6, 22, 10, 30)),
        (sthlm(2025, 6, 19, 16, 0), 1, sthlm(2025, 6, 23, 8, 30)),
        (sthlm(2027, 6, 24, 12, 0), 8.5, sthlm(2027, 6, 28, 12, 0)),
        # Påsk: skärtorsdag → långfredag, påsk, annandag påsk → Tuesday.
        (sthlm(2026, 4, 2, 16, 0), 1, sthlm(2026, 4, 7, 8, 30)),
        (sthlm(2025, 4, 17, 12, 0), 8.5, sthlm(2025, 4, 22, 12, 0)),
        (sthlm(2027, 3, 25, 16, 30), 0.5, sthlm(2027, 3, 30, 8, 30)),
        # Kristi himmelsfärd: Wednesday → Friday (the klämdag is open by default).
        (sthlm(2026, 5, 13, 16, 0), 1, sthlm(2026, 5, 15, 8, 30)),
        (sthlm(2025, 5, 28, 16, 0), 1, sthlm(2025, 5, 30, 8, 30)),
        (sthlm(2027, 5, 5, 16, 0), 1, sthlm(2027, 5, 7, 8, 30)),
        # Jul and nyår.
        (sthlm(2025, 12, 23, 16, 0), 1, sthlm(2025, 12, 29, 8, 30)),
        (sthlm(2026, 12, 23, 16, 0), 1, sthlm(2026, 12, 28, 8, 30)),
        (sthlm(2026, 12, 30, 16, 0), 1, sthlm(2027, 1, 4, 8, 30)),
        (sthlm(2027, 12, 23, 12, 0), 8.5, sthlm(2027, 12, 27, 12, 0)),
        (sthlm(2027, 12, 30, 16, 0), 1, sthlm(2028, 1, 3, 8, 30)),
        # Trettondedag jul 2026 is a Tuesday.
        (sthlm(2026, 1, 5, 16, 0), 1, sthlm(2026, 1, 7, 8, 30)),
    ],
)
def test_due_times_around_holidays(start, hours, due):
    delta = timedelta(hours=hours)
    assert add_working_time(start, delta) == due
    assert working_time_between(start, due) == delta


def test_before_opening_and_after_closing():
    assert add_working_time(sthlm(2026, 3, 2, 6, 0), H) == sthlm(2026, 3, 2, 9, 0)
    assert add_working_time(sthlm(2026, 3, 2, 20, 0), H) == sthlm(2026, 3, 3, 9, 0)
    # A whole day's hours from the opening end at the closing, not next morning.
    assert add_working_time(sthlm(2026, 3, 2, 8, 0), DAY) == sthlm(2026, 3, 2, 16, 30)
    assert add_working_time(sthlm(2026, 3, 2, 7, 0), timedelta(0)) == sthlm(2026, 3, 2, 7, 0)
    assert working_time_between(sthlm(2026, 3, 7, 0, 0), sthlm(2026, 3, 9, 0, 0)) == timedelta(0)


def test_daylight_saving_changes():
    # Spring forward (29 March 2026): Friday 16:00 CET + 1 h → Monday 08:30 CEST.
    due = add_working_time(sthlm(2026, 3, 27, 16, 0), H)
    assert due == sthlm(2026, 3, 30, 8, 30)
    assert due.utcoffset() == timedelta(0) and due == datetime(2026, 3, 30, 6, 30, tzinfo=UTC)
    # Fall back (25 October 2026).
    assert add_working_time(sthlm(2026, 10, 23, 16, 0), H) == sthlm(2026, 10, 26, 8, 30)
    week = working_time_between(sthlm(2026, 10, 19, 0, 0), sthlm(2026, 10, 31, 0, 0))
    assert week == 10 * DAY
    # A calendar open all Sunday measures real time: 23 h on the spring-forward day.
    always = Calendar(week=(Hours(0, 24 * 60),) * 7, public_holidays=False)
    assert working_time_between(
        sthlm(2026, 3, 29, 0, 0), sthlm(2026, 3, 30, 0, 0), always
    ) == timedelta(hours=23)
    assert working_time_between(
        sthlm(2026, 10, 25, 0, 0), sthlm(2026, 10, 26, 0, 0), always
    ) == timedelta(hours=25)


def test_admin_closed_and_shortened_days():
    klamdag = date(2026, 5, 15)
    cal = Calendar(closed_days=frozenset({klamdag}), shortened_days={date(2026, 4, 30): 13 * 60})
    assert add_working_time(sthlm(2026, 5, 13, 16, 0), H, cal) == sthlm(2026, 5, 18, 8, 30)
    # Valborg eve closes at 13:00.
    assert add_working_time(sthlm(2026, 4, 30, 12, 0), 2 * H, cal) == sthlm(2026, 5, 4, 9, 0)
    assert working_time_between(sthlm(2026, 4, 30, 0, 0), sthlm(2026, 5, 1, 0, 0), cal) == 5 * H
    # A shortened day that closes before opening is closed.
    early = Calendar(shortened_days={date(2026, 3, 2): 7 * 60})
    assert not early.is_working_day(date(2026, 3, 2))


def test_custom_week_and_errors():
    saturday = Calendar(week=(*DEFAULT_CALENDAR.week[:5], Hours(10 * 60, 14 * 60), None))
    assert add_working_time(sthlm(2026, 3, 6, 16, 0), H, saturday) == sthlm(2026, 3, 7, 10, 30)
    with pytest.raises(ValueError):
        add_working_time(datetime(2026, 3, 2, 8, 0), H)  # naive
    with pytest.raises(ValueError):
        add_working_time(sthlm(2026, 3, 2, 8, 0), -H)
    with pytest.raises(ValueError):
        add_working_time(sthlm(2026, 3, 2, 8, 0), H, Calendar(week=(None,) * 7))
    with pytest.raises(ValueError):
        Hours(10 * 60, 9 * 60)


def test_long_spans_on_a_reused_calendar_agree_with_walking_every_day():
    """Whole days between two instants are summed from running totals the calendar
    keeps, extended backwards and forwards as it is asked; a plain day-by-day sum
    must give the same, in both directions."""
    cal = Calendar(
        closed_days=frozenset({date(2026, 5, 15)}), shortened_days={date(2026, 4, 30): 13 * 60}
    )

    def walked(a: datetime, b: datetime) -> timedelta:
        total, day = timedelta(0), cal.local_date(a)
        while day <= cal.local_date(b):
            for opens, closes in cal.intervals(day):
                total += max(min(closes, b) - max(opens, a), timedelta(0))
            day += timedelta(days=1)
        return total

    middle = sthlm(2026, 6, 1, 9, 30)
    moments = [
        middle + timedelta(days=d, hours=h) for d in (0, -1, 2, -30, 45, -400, 380) for h in (0, 7)
    ]
    for a in moments:
        for b in moments:
            expected = walked(a, b) if a <= b else -walked(b, a)
            assert working_time_between(a, b, cal) == expected, (a, b)


def test_next_working_time():
    assert next_working_time(sthlm(2026, 6, 18, 17, 0)) == sthlm(2026, 6, 22, 8, 0)
    assert next_working_time(sthlm(2026, 6, 18, 9, 0)) == sthlm(2026, 6, 18, 9, 0)
    assert is_working_time(sthlm(2026, 6, 18, 8, 0))
    assert not is_working_time(sthlm(2026, 6, 18, 16, 30))


# --- properties ---------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 12, 1), max_value=datetime(2028, 1, 31), timezones=st.just(STOCKHOLM)
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))
positive = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(hours=400))
CALENDARS = [
    DEFAULT_CALENDAR,
    Calendar(
        week=(Hours(7 * 60, 18 * 60),) * 4 + (Hours(7 * 60, 12 * 60), Hours(0, 24 * 60), None),
        closed_days=frozenset({date(2026, 5, 15), date(2025, 12, 29)}),
        shortened_days={date(2026, 12, 30): 14 * 60, date(2027, 3, 28): 3 * 60},
    ),
]
calendars = st.sampled_from(CALENDARS)
FAST = settings(max_examples=150, deadline=None)


def in_working_time(instant: datetime, cal: Calendar) -> bool:
    """Opening exclusive, closing inclusive: where a positive addition may end."""
    day = cal.local_date(instant)
    return any(
        opens < instant <= closes
        for d in (day - timedelta(days=1), day)
        for opens, closes in cal.intervals(d)
    )


@FAST
@given(instants, positive, calendars)
def test_never_ends_in_closed_time(start, delta, cal):
    end = add_working_time(start, delta, cal)
    assert end > start
    assert in_working_time(end, cal)
    assert end.tzinfo is UTC


@FAST
@given(instants, durations, calendars)
def test_between_inverts_add(start, delta, cal):
    assert working_time_between(start, add_working_time(start, delta, cal), cal) == delta


@FAST
@given(instants, durations, durations, calendars)
def test_add_is_additive(start, a, b, cal):
    assert add_working_time(add_working_time(start, a, cal), b, cal) == add_working_time(
        start, a + b, cal
    )


@FAST
@given(instants, instants, instants, calendars)
def test_between_is_additive_and_antisymmetric(a, b, c, cal):
    assert working_time_between(a, b, cal) + working_time_between(
        b, c, cal
    ) == working_time_between(a, c, cal)
    assert working_time_between(a, b, cal) == -working_time_between(b, a, cal)


@FAST
@given(instants, instants, durations, durations, calendars)
def test_monotonic(s1, s2, d1, d2, cal):
    s1, s2 = sorted((s1, s2))
    d1, d2 = sorted((d1, d2))
    assert add_working_time(s1, d1, cal) <= add_working_time(s2, d1, cal)
    assert add_working_time(s1, d1, cal) <= add_working_time(s1, d2, cal)
    assert timedelta(0) <= working_time_between(s1, s2, cal) <= s2 - s1


@FAST
@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)), calendars)
def test_a_day_holds_its_hours(day, cal):
    """Each local day holds exactly its office hours, whatever its length in UTC."""
    hours = cal.hours(day)
    expected = timedelta(0)
    if hours is not None:
        expected = cal.intervals(day)[0][1] - cal.intervals(day)[0][0]
        if hours.closes <= 2 * 60 or hours.opens >= 3 * 60:
            assert expected == hours.length  # no daylight-saving hour inside
    assert working_time_between(cal.midnight(day), cal.midnight(day + timedelta(days=1)), cal) == (
        expected
    )


@FAST
@given(st.integers(min_value=2025, max_value=2027), durations)
def test_across_the_year_end(year, delta):
    start = sthlm(year, 12, 30, 15, 0)
    end = add_working_time(start, delta)
    for closed in (date(year, 12, 31), date(year + 1, 1, 1)):
        assert not any(
            opens < end <= closes for opens, closes in DEFAULT_CALENDAR.intervals(closed)
        )
    assert working_time_between(start, end) == delta
