"""Statistics rows: the dashboard's counters per Stockholm day, and the same
summed per calendar month, so that a year is read from twelve months' rows
rather than 365 days' (the number of rows a day has grows with the volume; a
month's rows are about as many as a day's once every slice has some tickets)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.statistics import COUNTER_NAMES
from ..core.timeutil import utcnow
from ..dbtypes import UTCDateTime
from ..extensions import db

SLICE = ("channel", "category_id", "group_id", "language")


class Slice:
    """The columns a row is counted by: channel, subject area, group and the citizen's
    language (the ticket's, one of CITIZEN_LANGUAGES)."""

    channel: Mapped[str] = mapped_column(String(20))
    category_id: Mapped[int | None] = mapped_column(Integer)
    group_id: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(12), default="sv", server_default="sv")


def _with_counters(model):
    """One integer column per counter, declared from the single list of counters."""
    for name in COUNTER_NAMES:
        setattr(model, name, mapped_column(name, Integer, default=0, nullable=False))
        model.__annotations__[name] = Mapped[int]


class StatsDaily(Slice, db.Model):
    """Counters for one Stockholm day and one slice (channel, subject area, group,
    language).

    ``received`` is counted on the group a ticket first went to; every other
    counter on the group that resolved it.
    """

    __tablename__ = "stats_daily"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_stats_daily_day", "day"),)


_with_counters(StatsDaily)


class StatsDailyAnswerTime(Slice, db.Model):
    """How many tickets resolved that day got their first answer after so many
    working minutes (at the resolution of `definitions.answer_time_bucket`)."""

    __tablename__ = "stats_daily_answer_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_stats_daily_answer_time_day", "day"),)


class StatsDailyCouldReason(Slice, db.Model):
    """How many tickets resolved that day a svarsgrupp marked "kundtjänst could have
    answered", per reason (the learning loop's table on the dashboard)."""

    __tablename__ = "stats_daily_could_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    reason_id: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_stats_daily_could_reason_day", "day"),)


class StatsMonthly(Slice, db.Model):
    """`StatsDaily` summed over a calendar month (``month`` is its first day);
    rewritten whenever a day of the month is (`services.build_days`)."""

    __tablename__ = "stats_monthly"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)

    __table_args__ = (Index("ix_stats_monthly_month", "month"),)


_with_counters(StatsMonthly)


class StatsMonthlyAnswerTime(Slice, db.Model):
    """`StatsDailyAnswerTime` summed over a calendar month."""

    __tablename__ = "stats_monthly_answer_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_stats_monthly_answer_time_month", "month"),)


class StatsMonthlyAnswerTotal(db.Model):
    """`StatsDailyAnswerTime` summed over a calendar month and every slice: what the
    dashboard without filters reads (a few hundred rows a month, however many tickets;
    the slices' histograms grow with the volume)."""

    __tablename__ = "stats_monthly_answer_total"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_stats_monthly_answer_total_month", "month"),)


class StatsMonthlyCouldReason(Slice, db.Model):
    """`StatsDailyCouldReason` summed over a calendar month."""

    __tablename__ = "stats_monthly_could_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date)
    reason_id: Mapped[int | None] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_stats_monthly_could_reason_month", "month"),)


# Each daily table and its monthly sum, and the columns the sum keeps apart.
MONTHLY = (
    (StatsDaily, StatsMonthly, SLICE, COUNTER_NAMES),
    (StatsDailyAnswerTime, StatsMonthlyAnswerTime, (*SLICE, "minutes"), ("count",)),
    (StatsDailyAnswerTime, StatsMonthlyAnswerTotal, ("minutes",), ("count",)),
    (StatsDailyCouldReason, StatsMonthlyCouldReason, (*SLICE, "reason_id"), ("count",)),
)


class StatsDay(db.Model):
    """A day whose rows are built; days not listed are read from the tickets."""

    __tablename__ = "stats_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Grows with every build: the dashboard's cache of daily rows is keyed on the highest.
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
