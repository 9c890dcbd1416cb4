"""The review reminder, as a service: the published articles whose review date has
come, one e-mail per owning group through the outbox (the group's address, else its
active members'), each article then marked reminded of that date — a run the same
day sends nothing again, a new review date reminds again.

A confidential group's internal articles are named by number only: their titles
never leave the application, like a confidential ticket's subject."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..core.text import one_line
from ..extensions import db
from ..jobs.notify import readers
from ..mail.services import queue
from ..org.models import Group
from . import queries, services
from .models import Article, Visibility


def article_link(article: Article) -> str:
    """The article's address for people reading mail (``BASE_URL``, never a Host header)."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/kunskap/artiklar/{article.id}"


def _line(group: Group, article: Article) -> str:
    if group.confidential and article.visibility != Visibility.PUBLIC:
        name = _("Article %(id)s", id=article.id)
    else:
        name = one_line(article.title)
    review = article.review_on.isoformat() if article.review_on else ""
    return "\n".join(
        [f"- {name} – " + _("review by %(date)s", date=review), f"  {article_link(article)}"]
    )


def remind_reviews(today: date) -> dict[str, int]:
    """Queue the reminders due by ``today``. Flushes; the caller commits. A group
    without any valid address is left for a later run (nothing marked)."""
    due = db.session.scalars(
        queries.review_due(today).order_by(Article.group_id, Article.review_on, Article.id)
    )
    by_group: dict[int, list[Article]] = defaultdict(list)
    for article in due:
        by_group[article.group_id].append(article)
    mails = articles = 0
    for group_id, items in by_group.items():
        group = db.session.get(Group, group_id)
        queued = [
            _reminder(group, items, addresses, language)
            for language, addresses in readers(group).items()
        ]
        if not any(queued):
            continue
        mails += sum(row is not None for row in queued)
        for article in items:
            services.mark_reminded(article)
            articles += 1
    return {"mails": mails, "articles": articles}


def _reminder(group: Group, items: list[Article], addresses: list[str], language: str):
    """One group's reminder in one language, to its readers in that language."""
    name = one_line(group.name)
    with force_locale(language):
        lines = [
            _(
                "These articles of %(group)s have come to their review date. Check that "
                "they are still right, then change them or set a new review date:",
                group=name,
            ),
            "",
            *[_line(group, article) for article in items],
            "",
            _("This message was sent by En väg in to %(group)s.", group=name),
        ]
        subject = f"[{name}] " + _("Articles to review")
    return queue(addresses, subject, "\n".join(lines))
