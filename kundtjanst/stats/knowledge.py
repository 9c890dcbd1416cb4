"""The knowledge gap report (/statistik/kunskap): what kundtjänst lacked an article for,
per subject area, over the dashboard's period and filters.

- **Could have answered, with and without an article**: escalations the svarsgrupp
  marked "kundtjänst could have answered" (the dashboard's measure, on the day they
  were resolved and the group that resolved them). "With an article" means the
  subject area has, *now*, a published article kundtjänst may read (public, of an
  open group, or marked for kundtjänst): writing the article moves the area's rows
  to "with" at once, and the next period shows whether escalations stop.
- **Searches without a result**: the recorded words (`SearchMiss`), staff and public.
- **Past their review date**: published articles whose review date has passed.
- **Most used**: articles and shared templates by uses on tickets in the period.
- **First contact with and without an article**: the first-contact share (the
  dashboard's: resolved, withdrawn excluded) of tickets whose answer used an article
  against those whose answer used none.

Ticket counts include tickets under secrecy, like every figure on the dashboard;
the ticket lists behind them (`stats.drilldown`, the `knowledge` view) pass
`permissions.ticket_scope`. Article titles are shown only when the user may read
the article (`kb.queries.readable_condition`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..core.statistics import Period, Share
from ..core.timeutil import local_day_bounds
from ..extensions import db
from ..kb.models import (
    AnswerTemplate,
    Article,
    ArticleState,
    KnowledgeUse,
    SearchMiss,
    SearchScope,
    article_categories,
)
from ..kb.queries import frontline_condition, readable_condition
from ..org.models import Category
from ..tickets.models import Ticket
from .aggregate import Filters, filter_conditions
from .measures import MEASURES

TOP = 10  # rows of most-used articles and templates
MISS_ROWS = 50  # rows of searches without a result
NO_TICKETS = Share(0, 0)


@dataclass
class Area:
    """One subject area's row (``category_id`` None: tickets without one)."""

    category_id: int | None
    name: str
    could: int = 0
    has_article: bool = False
    misses: int = 0
    overdue: int = 0
    with_article: Share = NO_TICKETS
    without_article: Share = NO_TICKETS

    @property
    def empty(self) -> bool:
        return not (
            self.could
            or self.misses
            or self.overdue
            or self.with_article.denominator
            or self.without_article.denominator
        )


@dataclass
class Miss:
    terms: str
    category_id: int | None
    staff: int
    public: int

    @property
    def total(self) -> int:
        return self.staff + self.public


@dataclass
class GapReport:
    areas: list[Area]
    could_with: int
    could_without: int
    misses: list[Miss]
    overdue: list[Article]
    articles: list[tuple[Article, int]]
    templates: list[tuple[AnswerTemplate, int]]
    with_article: Share
    without_article: Share
    area_names: dict[int, str] = field(default_factory=dict)


def frontline_readable() -> object:
    """A published article kundtjänst may read."""
    return and_(Article.state == ArticleState.PUBLISHED, frontline_condition())


def resolved_conditions(period: Period, filters: Filters) -> list:
    """Tickets resolved (not withdrawn) in the period, within the filters: the
    dashboard's denominator."""
    start, end = local_day_bounds(period.first, period.last)
    return [
        MEASURES["resolved"].condition,
        Ticket.resolved_at >= start,
        Ticket.resolved_at < end,
        *filter_conditions(filters, group=Ticket.resolved_group_id),
    ]


def used_article():
    """The ticket's answer used an article."""
    return exists().where(KnowledgeUse.ticket_id == Ticket.id, KnowledgeUse.article_id.is_not(None))


def _could(period: Period, filters: Filters) -> dict[int | None, int]:
    rows = db.session.execute(
        select(Ticket.category_id, func.count())
        .where(MEASURES["could_have_answered"].condition, *resolved_conditions(period, filters))
        .group_by(Ticket.category_id)
    )
    return dict(rows.tuples().all())


def areas_with_article() -> set[int]:
    return set(
        db.session.scalars(
            select(article_categories.c.category_id)
            .join(Article, Article.id == article_categories.c.article_id)
            .where(frontline_readable())
            .distinct()
        )
    )


def _first_contact(period: Period, filters: Filters) -> dict[tuple[int | None, bool], Share]:
    """(subject area, answered with an article) → first-contact share."""
    sub = (
        select(
            Ticket.category_id.label("category_id"),
            case((Ticket.first_contact.is_(True), 1), else_=0).label("first"),
            case((used_article(), 1), else_=0).label("used"),
        )
        .where(*resolved_conditions(period, filters))
        .subquery()
    )
    rows = db.session.execute(
        select(sub.c.category_id, sub.c.used, func.sum(sub.c.first), func.count()).group_by(
            sub.c.category_id, sub.c.used
        )
    )
    return {(c, bool(used)): Share(int(first or 0), n) for c, used, first, n in rows}


def _misses(period: Period, filters: Filters) -> list[Miss]:
    start, end = local_day_bounds(period.first, period.last)
    conditions = [SearchMiss.searched_at >= start, SearchMiss.searched_at < end]
    if filters.category_id:
        conditions.append(SearchMiss.category_id == filters.category_id)
    staff = func.sum(case((SearchMiss.scope == SearchScope.STAFF, 1), else_=0))
    public = func.sum(case((SearchMiss.scope == SearchScope.PUBLIC, 1), else_=0))
    rows = db.session.execute(
        select(SearchMiss.terms, SearchMiss.category_id, staff, public)
        .where(*conditions)
        .group_by(SearchMiss.terms, SearchMiss.category_id)
    )
    misses = [Miss(t, c, int(s or 0), int(p or 0)) for t, c, s, p in rows]
    misses.sort(key=lambda m: (-m.total, m.terms.casefold(), m.category_id or 0))
    return misses


def _article_scope(user, filters: Filters) -> list:
    conditions = [readable_condition(user)]
    if filters.group_ids is not None:
        conditions.append(Article.group_id.in_(filters.group_ids))
    if filters.category_id:
        conditions.append(
            Article.id.in_(
                select(article_categories.c.article_id).where(
                    article_categories.c.category_id == filters.category_id
                )
            )
        )
    return conditions


def overdue(user, filters: Filters, today: date) -> list[Article]:
    """Published articles past their review date that ``user`` may read."""
    return list(
        db.session.scalars(
            select(Article)
            .options(selectinload(Article.categories), joinedload(Article.group))
            .where(
                Article.state == ArticleState.PUBLISHED,
                Article.review_on.is_not(None),
                Article.review_on < today,
                *_article_scope(user, filters),
            )
            .order_by(Article.review_on, Article.title, Article.id)
        )
    )


def _use_conditions(period: Period, filters: Filters) -> list:
    start, end = local_day_bounds(period.first, period.last)
    return [
        KnowledgeUse.used_at >= start,
        KnowledgeUse.used_at < end,
        *filter_conditions(filters, group=Ticket.group_id),
    ]


def most_used_articles(user, period: Period, filters: Filters) -> list[tuple[Article, int]]:
    uses = func.count(KnowledgeUse.id)
    rows = db.session.execute(
        select(Article, uses)
        .options(selectinload(Article.group))
        .join(KnowledgeUse, KnowledgeUse.article_id == Article.id)
        .join(Ticket, Ticket.id == KnowledgeUse.ticket_id)
        .where(*_use_conditions(period, filters), readable_condition(user))
        .group_by(Article.id)
        .order_by(uses.desc(), Article.title, Article.id)
        .limit(TOP)
    )
    return [(a, n) for a, n in rows.tuples()]


def most_used_templates(period: Period, filters: Filters) -> list[tuple[AnswerTemplate, int]]:
    """Shared templates only: a personal template is its owner's business."""
    uses = func.count(KnowledgeUse.id)
    rows = db.session.execute(
        select(AnswerTemplate, uses)
        .options(selectinload(AnswerTemplate.group))
        .join(KnowledgeUse, KnowledgeUse.template_id == AnswerTemplate.id)
        .join(Ticket, Ticket.id == KnowledgeUse.ticket_id)
        .where(*_use_conditions(period, filters), AnswerTemplate.group_id.is_not(None))
        .group_by(AnswerTemplate.id)
        .order_by(uses.desc(), AnswerTemplate.name, AnswerTemplate.id)
        .limit(TOP)
    )
    return [(t, n) for t, n in rows.tuples()]


def _total(shares) -> Share:
    shares = list(shares)
    return Share(sum(s.numerator for s in shares), sum(s.denominator for s in shares))


def gap_report(
    user, period: Period, filters: Filters, categories: dict[int, Category], today: date
) -> GapReport:
    could = _could(period, filters)
    with_article = areas_with_article()
    first = _first_contact(period, filters)
    misses = _misses(period, filters)
    late = overdue(user, filters, today)

    names = {c.id: c.name for c in categories.values()}
    keys = set(could) | {c for c, _ in first} | {m.category_id for m in misses}
    keys |= {c.id for a in late for c in a.categories}
    if filters.category_id:
        keys = {k for k in keys if k == filters.category_id}
    areas = {k: Area(k, names.get(k, "")) for k in keys}
    for key, area in areas.items():
        area.could = could.get(key, 0)
        area.has_article = key in with_article
        area.with_article = first.get((key, True), NO_TICKETS)
        area.without_article = first.get((key, False), NO_TICKETS)
    for miss in misses:
        if miss.category_id in areas:
            areas[miss.category_id].misses += miss.total
    counted: dict[int, int] = defaultdict(int)
    for article in late:
        for category in article.categories:
            counted[category.id] += 1
    for key, count in counted.items():
        if key in areas:
            areas[key].overdue = count

    rows = sorted(
        (a for a in areas.values() if not a.empty),
        key=lambda a: (a.category_id is None, -a.could, a.name.casefold()),
    )
    return GapReport(
        areas=rows,
        could_with=sum(a.could for a in rows if a.has_article),
        could_without=sum(a.could for a in rows if not a.has_article),
        misses=misses[:MISS_ROWS],
        overdue=late,
        articles=most_used_articles(user, period, filters),
        templates=most_used_templates(period, filters),
        with_article=_total(s for (_, used), s in first.items() if used),
        without_article=_total(s for (_, used), s in first.items() if not used),
        area_names=names,
    )
