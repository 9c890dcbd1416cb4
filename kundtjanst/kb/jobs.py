"""The daily review reminder: the owners of articles whose review date has come are
told once per date (`reminders.remind_reviews`); the outbox sends the e-mail."""

from __future__ import annotations

from datetime import datetime

from ..core.timeutil import local
from ..jobs.registry import Daily, job
from ..lazytext import lazy_gettext as _l
from .reminders import remind_reviews


@job(
    "kb.review",
    Daily(6, 45),
    _l("Reminds the owning groups of articles that have come to their review date."),
)
def review_reminder(trigger_time: datetime) -> dict[str, int]:
    """Running it twice the same day sends nothing the second time."""
    return remind_reviews(local(trigger_time).date())
