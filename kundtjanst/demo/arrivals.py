"""When demo questions arrive, on which channel, and about which topic.

Volumes follow the year (fewer questions in July and at Christmas), the week
(Mondays are the busiest) and the channel's opening hours, in half-hour slots.
`Arrivals` turns them into cumulative weights once and draws from them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from ..core.vocabulary import Channel
from ..core.workingtime import DEFAULT_HOURS
from . import topics as T
from .officetime import MIDNIGHT, OfficeCalendar

# How questions arrive. Phone dominates, as in every Swedish contact centre.
CHANNEL_WEIGHTS = {
    Channel.PHONE: 44,
    Channel.EMAIL: 20,
    Channel.WEB: 17,
    Channel.VISIT: 7,
    Channel.CHAT: 7,
    Channel.LETTER: 5,
}
# Fewer questions in July and at Christmas; Mondays are the busiest day.
MONTH_VOLUME = (1.1, 1.05, 1.05, 1.1, 1.05, 0.95, 0.6, 1.1, 1.05, 1.0, 1.0, 0.85)
WEEKDAY_VOLUME = (1.25, 1.1, 1.0, 0.95, 0.8, 0.3, 0.25)  # web and e-mail only at weekends
# Half-hour slots of the day: (first minute, last minute, weights).
PHONE_HOURS = (  # the phone is answered in office hours
    DEFAULT_HOURS.opens,
    DEFAULT_HOURS.closes,
    (6, 10, 12, 12, 11, 10, 8, 6, 7, 9, 9, 8, 7, 6, 5, 4, 3),
)
CHAT_HOURS = (8 * 60, 16 * 60, (4, 7, 9, 9, 9, 8, 7, 6, 6, 8, 8, 7, 6, 5, 4, 3))
VISIT_HOURS = (9 * 60, 16 * 60, (5, 8, 9, 9, 8, 6, 6, 8, 8, 7, 6, 5, 4, 3))
LETTER_HOURS = (8 * 60, 12 * 60, (1,) * 8)
ONLINE_HOURS = (  # e-mail and the web form: any time from six in the morning
    6 * 60,
    24 * 60,
    tuple(w for w in (1, 2, 4, 7, 8, 8, 7, 7, 8, 7, 6, 5, 5, 6, 6, 5, 4, 2) for _ in range(2)),
)
SLOT_MINUTES = 30

# Items and their cumulative weights, as `random.choices` takes them.
Weighted = tuple[list[Any], list[float]]


def weighted(items: Sequence, weights: Sequence[float]) -> Weighted:
    return list(items), list(accumulate(weights))


def pick(rng: random.Random, choices: Weighted) -> Any:
    items, cum = choices
    return rng.choices(items, cum_weights=cum)[0]


def _slots(spec: tuple[int, int, tuple[int, ...]]) -> Weighted:
    first, last, weights = spec
    starts = list(range(first, last, SLOT_MINUTES))
    assert len(starts) == len(weights), spec
    return weighted(starts, weights)


class Arrivals:
    """The questions' volumes over ``start`` … ``now`` (naive Stockholm times), for the
    topics the municipality has categories for."""

    def __init__(
        self,
        rng: random.Random,
        calendar: OfficeCalendar,
        start: datetime,
        now: datetime,
        category_ids: Mapping[str, int],
    ):
        self.rng = rng
        self.start = start
        self.now = now
        first = start.date()
        days = [first + timedelta(days=i) for i in range((now.date() - first).days + 1)]
        office = [d for d in days if calendar.is_workday(d)]
        self.office_days = weighted(
            office, [MONTH_VOLUME[d.month - 1] * WEEKDAY_VOLUME[d.weekday()] for d in office]
        )
        self.any_days = weighted(
            days,
            [
                MONTH_VOLUME[d.month - 1]
                * WEEKDAY_VOLUME[d.weekday()]
                * (1.0 if calendar.is_workday(d) or d.weekday() >= 5 else 0.3)
                for d in days
            ],
        )
        self.channels = weighted(CHANNEL_WEIGHTS, CHANNEL_WEIGHTS.values())
        keys = [k for k in T.TOPICS if k in category_ids]
        self.topics_by_month = [
            weighted(keys, [T.TOPICS[k].weight * T.TOPICS[k].season[m] for k in keys])
            for m in range(12)
        ]
        self.hours = {
            Channel.PHONE: _slots(PHONE_HOURS),
            Channel.CHAT: _slots(CHAT_HOURS),
            Channel.VISIT: _slots(VISIT_HOURS),
            Channel.LETTER: _slots(LETTER_HOURS),
            Channel.EMAIL: _slots(ONLINE_HOURS),
            Channel.WEB: _slots(ONLINE_HOURS),
        }

    def arrival(self) -> tuple[datetime, Channel]:
        """When a question came in, and how."""
        channel = pick(self.rng, self.channels)
        days = self.any_days if channel in (Channel.EMAIL, Channel.WEB) else self.office_days
        while True:
            day = pick(self.rng, days)
            minute = pick(self.rng, self.hours[channel]) + self.rng.random() * SLOT_MINUTES
            at = datetime.combine(day, MIDNIGHT) + timedelta(seconds=int(minute * 60))
            if self.start <= at < self.now:
                return at, channel

    def topic(self, month: int) -> str:
        """What a question that came in ``month`` (1–12) is about: a topic's key."""
        return pick(self.rng, self.topics_by_month[month - 1])
