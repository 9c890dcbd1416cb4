"""A year is read from monthly sums of the daily rows: the sums must always be the
sums, however the days were built, and the months must be cut right."""

from __future__ import annotations

from datetime import date

import flask_migrate
import pytest
from sqlalchemy import text
from sqlalchemy.orm import close_all_sessions

from kundtjanst.core.statistics import whole_months
from kundtjanst.extensions import db

from .test_stats import build_past_days, world  # noqa: F401  (the fixture)

TABLES = [
    ("stats_daily", "stats_monthly", "received + resolved + first_contact"),
    ("stats_daily_answer_time", "stats_monthly_answer_time", "count * (minutes + 1)"),
    ("stats_daily_answer_time", "stats_monthly_answer_total", "count * (minutes + 1)"),
    ("stats_daily_could_reason", "stats_monthly_could_reason", "count"),
]


@pytest.mark.parametrize(
    ("first", "last", "months", "edges"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 3, 1), date(2026, 3, 1)), []),
        (date(2026, 3, 2), date(2026, 3, 31), None, [(date(2026, 3, 2), date(2026, 3, 31))]),
        (date(2026, 3, 1), date(2026, 3, 30), None, [(date(2026, 3, 1), date(2026, 3, 30))]),
        (date(2026, 2, 1), date(2026, 2, 28), (date(2026, 2, 1), date(2026, 2, 1)), []),
        (date(2024, 2, 1), date(2024, 2, 28), None, [(date(2024, 2, 1), date(2024, 2, 28))]),
        (
            date(2025, 12, 6),
            date(2026, 12, 4),
            (date(2026, 1, 1), date(2026, 11, 1)),
            [(date(2025, 12, 6), date(2025, 12, 31)), (date(2026, 12, 1), date(2026, 12, 4))],
        ),
        (date(2026, 5, 10), date(2026, 5, 10), None, [(date(2026, 5, 10), date(2026, 5, 10))]),
    ],
)
def test_whole_months_and_the_days_around_them(first, last, months, edges):
    assert whole_months(first, last) == (months, edges)


def _per_month(daily: str, monthly: str, measure: str) -> tuple[dict, dict]:
    month = (
        "CAST(date_trunc('month', day) AS date)"
        if db.engine.dialect.name == "postgresql"
        else "date(day, 'start of month')"
    )
    by_days = db.session.execute(
        text(f"SELECT {month}, SUM({measure}) FROM {daily} GROUP BY 1")
    ).all()
    by_months = db.session.execute(
        text(f"SELECT month, SUM({measure}) FROM {monthly} GROUP BY 1")
    ).all()
    return {str(m): int(v) for m, v in by_days}, {str(m): int(v) for m, v in by_months}


def test_monthly_sums_follow_the_daily_rows_and_the_migration_fills_them(app, world):  # noqa: F811
    with app.app_context():
        build_past_days()
        for daily, monthly, measure in TABLES:
            by_days, by_months = _per_month(daily, monthly, measure)
            assert by_days == by_months and by_days  # the world has tickets in two months
        # Every session ends first, the `world` fixture's own included: its open
        # transaction would hold the tickets table while a downgrade alters it.
        close_all_sessions()
        flask_migrate.downgrade(revision="7eb1c3d5f964")
        flask_migrate.upgrade(revision="heads")
        for daily, monthly, measure in TABLES:
            by_days, by_months = _per_month(daily, monthly, measure)
            assert by_days == by_months and by_days
