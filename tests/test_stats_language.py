"""The dashboard filtered by the citizen's language (the ticket's): the figures against
an independent computation over the tickets, from the daily and monthly rows and
counted live alike, over a year of whole months and the days around them; the filter
on every surface that takes the dashboard's filters; hostile values; the migration
that makes the language a slice of the stored rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import bindparam, event, text

from kundtjanst.core.statistics import Period, answer_time_bucket, percentile, whole_months
from kundtjanst.core.timeutil import local_day_bounds
from kundtjanst.dbtypes import UTCDateTime
from kundtjanst.extensions import db
from kundtjanst.stats import services as stats_services
from kundtjanst.stats.aggregate import Filters
from kundtjanst.stats.figures import clear_cache, figures

from .stats_data import Clock, populate
from .test_stats import assert_same, local_moment, sql_figures

LANGUAGES = ("sv", "en", "fi")
TODAY = date(2026, 12, 5)
# A year: the whole months January to November, and the days of December around them.
YEAR = Period(date(2025, 12, 6), date(2026, 12, 4))
FIRST_DAY = date(2025, 12, 5)  # the day before the year: a ticket resolved inside it


def moments():
    """Tickets on the edges of the year and of its months (late at night, so some are
    resolved the day after), on both daylight-saving days, and today."""
    days_hours = [
        (FIRST_DAY, (9, 23)),
        (date(2025, 12, 6), (0, 9, 16)),
        (date(2025, 12, 31), (9, 13, 23)),
        (date(2026, 1, 1), (0, 10)),
        (date(2026, 1, 31), (9, 23)),
        (date(2026, 2, 1), (8, 15)),
        (date(2026, 3, 29), (1, 3, 11)),
        (date(2026, 6, 15), (8, 9, 10, 11, 13, 15)),
        (date(2026, 10, 25), (1, 9, 22)),
        (date(2026, 11, 30), (9, 23)),
        (date(2026, 12, 1), (0, 9, 14)),
        (date(2026, 12, 4), (9, 23)),
        (TODAY, (8, 9, 10, 11)),
    ]
    return [local_moment(day, hour, 40) for day, hours in days_hours for hour in hours]


def language_of(i: int) -> str:
    # Five long against the thirteen scenarios: every language meets every scenario.
    return ("sv", "en", "fi", "sv", "fi")[i % 5]


def set_languages(made) -> None:
    for i, m in enumerate(made):
        db.session.execute(
            text("UPDATE tickets SET language = :l WHERE reference = :r"),
            {"l": language_of(i), "r": m.reference},
        )
    db.session.commit()


@pytest.fixture
def world(app, org, monkeypatch):
    """The tickets, in three languages, and the clock at "today" (no day built yet)."""
    clear_cache()
    with app.app_context():
        clock = Clock(monkeypatch, local_moment(FIRST_DAY, 0))
        made = populate(org, clock, moments())
        set_languages(made)
        clock.set(local_moment(TODAY, 14))
        yield clock, made


def build_year() -> None:
    """Every whole day from the first ticket's to yesterday, in one pass."""
    stats_services.build_days(FIRST_DAY, TODAY - timedelta(days=1))
    db.session.commit()
    clear_cache()


# --- the independent computation --------------------------------------------------


def sql_language(first: date, last: date, language: str, extra: str = "") -> dict:
    return sql_figures(first, last, f"AND language = :lang {extra}", {"lang": language})


def sql_answer_histogram(first: date, last: date, language: str) -> dict[int, int]:
    start, end = local_day_bounds(first, last)
    stmt = text(
        "SELECT answer_minutes FROM tickets WHERE status = 'resolved' "
        "AND outcome IN ('answered', 'referred') AND answer_minutes IS NOT NULL "
        "AND resolved_at >= :s AND resolved_at < :e AND language = :lang"
    ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime))
    histogram: dict[int, int] = {}
    for minutes in db.session.scalars(stmt, {"s": start, "e": end, "lang": language}):
        bucket = answer_time_bucket(minutes)
        histogram[bucket] = histogram.get(bucket, 0) + 1
    return histogram


def sql_could_reasons(first: date, last: date, language: str) -> dict:
    start, end = local_day_bounds(first, last)
    stmt = text(
        "SELECT category_id, could_reason_id, count(*) FROM tickets WHERE status = 'resolved' "
        "AND outcome <> 'withdrawn' AND answered_by = 'answer' AND could_have_answered = :t "
        "AND resolved_at >= :s AND resolved_at < :e AND language = :lang "
        "GROUP BY category_id, could_reason_id"
    ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime))
    rows = db.session.execute(stmt, {"s": start, "e": end, "t": True, "lang": language})
    return {(category, reason): n for category, reason, n in rows}


def assert_matches_sql(first: date, last: date, language: str, *, use_rows: bool) -> None:
    fig = figures(Period(first, last), Filters(language=language), use_rows=use_rows)
    assert_same(fig, sql_language(first, last, language))
    histogram = sql_answer_histogram(first, last, language)
    assert fig.answer_time == histogram
    assert fig.median_minutes == percentile(histogram, 0.5)
    assert fig.p90_minutes == percentile(histogram, 0.9)
    assert {k: v for k, v in fig.could_reasons.items() if v} == sql_could_reasons(
        first, last, language
    )


# --- the figures -----------------------------------------------------------------------

PERIODS = [
    (YEAR.first, YEAR.last),  # eleven whole months and the days around them
    (date(2026, 1, 1), date(2026, 1, 31)),  # one whole month
    (date(2025, 12, 31), date(2026, 1, 1)),  # two edge days across a new year
    (date(2026, 12, 1), date(2026, 12, 4)),  # the days after the last whole month
    (date(2026, 3, 29), date(2026, 3, 29)),  # a 23-hour day
    (date(2026, 11, 1), TODAY),  # a whole month, built days and today (live)
    (FIRST_DAY, TODAY),
]


def received_by_language(first: date, last: date) -> list:
    """(language, tickets received) over the days, counted from the tickets."""
    start, end = local_day_bounds(first, last)
    return db.session.execute(
        text(
            "SELECT language, count(*) FROM tickets WHERE created_at >= :s AND created_at < :e "
            "GROUP BY language"
        ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime)),
        {"s": start, "e": end},
    ).all()


def test_the_world_spans_the_year_in_every_language(app, world):
    assert whole_months(*PERIODS[0])[0] == (date(2026, 1, 1), date(2026, 11, 1))
    for language in LANGUAGES:
        expected = sql_language(YEAR.first, YEAR.last, language)
        assert expected["received"] > 5 and expected["resolved"] > 5, language
        assert expected["first_contact"][0] > 0, language
        assert sql_answer_histogram(YEAR.first, YEAR.last, language), language
    # Late tickets cross the year's edges and its months'.
    crossing = db.session.execute(
        text("SELECT count(*) FROM tickets WHERE resolved_at IS NOT NULL AND language <> 'sv'")
    ).scalar_one()
    assert crossing > 10


def test_language_figures_match_independent_sql_live_and_from_rows(app, world):
    # Every period in one test (a loop): the world takes a second to build.
    for first, last in PERIODS:
        for language in LANGUAGES:
            assert_matches_sql(first, last, language, use_rows=False)
    build_year()
    for first, last in PERIODS:
        for language in LANGUAGES:
            assert_matches_sql(first, last, language, use_rows=True)


def test_the_monthly_rows_are_kept_per_language(app, world):
    """The year's whole months are read from monthly rows in each language: their sums
    per language equal the daily rows' and the tickets'."""
    build_year()
    month = "CAST(date_trunc('month', day) AS date)"
    if db.engine.dialect.name != "postgresql":
        month = "date(day, 'start of month')"
    for daily, monthly, measure in (
        ("stats_daily", "stats_monthly", "received + resolved + first_contact"),
        ("stats_daily_answer_time", "stats_monthly_answer_time", "count * (minutes + 1)"),
        ("stats_daily_could_reason", "stats_monthly_could_reason", "count"),
    ):
        by_days = db.session.execute(
            text(f"SELECT {month}, language, SUM({measure}) FROM {daily} GROUP BY 1, 2")
        ).all()
        by_months = db.session.execute(
            text(f"SELECT month, language, SUM({measure}) FROM {monthly} GROUP BY 1, 2")
        ).all()
        assert per_month(by_days) == per_month(by_months), daily
        languages = {lang for _m, lang, _v in by_months}
        # (Few tickets are marked "could have answered": not one in every language.)
        assert languages == set(LANGUAGES) or (daily.endswith("reason") and languages), daily
    june = received_by_language(date(2026, 6, 1), date(2026, 6, 30))
    stored = db.session.execute(
        text(
            "SELECT language, SUM(received) FROM stats_monthly WHERE month = :m GROUP BY language"
        ),
        {"m": date(2026, 6, 1)},
    ).all()
    assert {lang: int(n) for lang, n in stored} == {lang: n for lang, n in june}


def per_month(rows) -> dict[tuple[str, str], int]:
    return {(str(month)[:10], language): int(value) for month, language, value in rows}


def test_stored_and_live_agree_on_every_breakdown(app, world, org):
    build_year()
    filters = [
        Filters(language="fi"),
        Filters(language="en", channel="web"),
        Filters(language="fi", category_id=None, channel="phone"),
        Filters(language="sv", group_ids=()),
    ]
    for first, last in [(YEAR.first, YEAR.last), (date(2025, 12, 31), date(2026, 2, 1))]:
        for given in filters:
            for f in (given, Filters(language=given.language, group_ids=(org.groups.bygg,))):
                live = figures(Period(first, last), f, use_rows=False)
                stored = figures(Period(first, last), f, use_rows=True)
                assert stored == live, (f, first, last)


def test_languages_add_up_to_the_unfiltered_figures(app, world):
    build_year()
    whole = figures(YEAR, Filters())
    parts = [figures(YEAR, Filters(language=language)) for language in LANGUAGES]
    for name in ("received", "resolved", "first_contact", "answered", "sla_breached"):
        assert sum(getattr(p.total, name) for p in parts) == getattr(whole.total, name), name
    assert sum(sum(p.answer_time.values()) for p in parts) == sum(whole.answer_time.values())


def test_combined_filters_match_sql(app, world, org):
    build_year()
    for language in LANGUAGES:
        for use_rows in (False, True):
            fig = figures(YEAR, Filters(channel="web", language=language), use_rows=use_rows)
            assert_same(fig, sql_language(YEAR.first, YEAR.last, language, "AND channel = 'web'"))
        bygg = org.groups.bygg
        start, end = local_day_bounds(YEAR.first, YEAR.last)
        resolved_by_bygg = db.session.execute(
            text(
                "SELECT count(*) FROM tickets WHERE status = 'resolved' "
                "AND outcome <> 'withdrawn' AND resolved_group_id = :g AND language = :l "
                "AND resolved_at >= :s AND resolved_at < :e"
            ).bindparams(bindparam("s", type_=UTCDateTime), bindparam("e", type_=UTCDateTime)),
            {"g": bygg, "l": language, "s": start, "e": end},
        ).scalar_one()
        fig = figures(YEAR, Filters(group_ids=(bygg,), language=language))
        assert fig.total.resolved == resolved_by_bygg


def test_a_built_year_filtered_by_language_reads_no_ticket(app, world):
    """The filter is a slice of the stored rows: a past period is read from the daily
    and monthly rows alone, however many tickets there are."""
    build_year()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        figures(YEAR, Filters(language="fi"))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    read = " ".join(statements).lower()
    assert "stats_monthly" in read and "stats_daily" in read
    assert "from tickets" not in read and "join tickets" not in read


def test_a_reopened_ticket_rebuilds_its_day_in_its_language(app, world):
    from kundtjanst.tickets import citizen
    from kundtjanst.tickets.models import Ticket

    build_year()
    ticket = db.session.execute(
        text(
            "SELECT id FROM tickets WHERE language = 'fi' AND first_contact = :t "
            "AND resolved_at < :before ORDER BY resolved_at DESC"
        ).bindparams(bindparam("before", type_=UTCDateTime)),
        {"t": True, "before": local_moment(TODAY, 0)},
    ).first()
    before = figures(YEAR, Filters(language="fi")).total
    citizen.citizen_message(db.session.get(Ticket, ticket.id), "Jag fick inget svar")
    db.session.commit()
    after = figures(YEAR, Filters(language="fi"))
    assert after.total.first_contact == before.first_contact - 1
    assert after.total == figures(YEAR, Filters(language="fi"), use_rows=False).total
    assert_same(after, sql_language(YEAR.first, YEAR.last, "fi"))


def test_the_rebuild_command_fills_the_language(app, world, runner):
    result = runner.invoke(args=["stats", "rebuild", "--from", str(FIRST_DAY)])
    assert result.exit_code == 0, result.output
    received = received_by_language(FIRST_DAY, TODAY - timedelta(days=1))
    stored = db.session.execute(
        text("SELECT language, SUM(received) FROM stats_daily GROUP BY language")
    ).all()
    assert {lang: int(n) for lang, n in stored} == {lang: n for lang, n in received}
    clear_cache()
    for language in LANGUAGES:
        assert_matches_sql(YEAR.first, YEAR.last, language, use_rows=True)
