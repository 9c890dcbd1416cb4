"""The demo's knowledge base: the articles of its data file through the import, its
templates, and what the demo tickets did with them — deterministic with the seed."""

from __future__ import annotations

import json

from sqlalchemy import select

from kundtjanst.auth.models import Role, User
from kundtjanst.core.vocabulary import GroupKind, Outcome, Status
from kundtjanst.demo.knowledge import ARTICLES, MISS_COUNT
from kundtjanst.extensions import db
from kundtjanst.kb.models import (
    AnswerTemplate,
    Article,
    ArticleState,
    KnowledgeUse,
    SearchMiss,
    Visibility,
)
from kundtjanst.tickets.models import Ticket

from .conftest import login
from .test_demo import empty_database, seed


def _uses() -> list[tuple]:
    """Every use by what it names (ids from sequences differ between seeds on PostgreSQL)."""
    rows = db.session.execute(
        select(
            Ticket.reference, Article.title, AnswerTemplate.name, User.email, KnowledgeUse.used_at
        )
        .join(Ticket, Ticket.id == KnowledgeUse.ticket_id)
        .outerjoin(Article, Article.id == KnowledgeUse.article_id)
        .outerjoin(AnswerTemplate, AnswerTemplate.id == KnowledgeUse.template_id)
        .outerjoin(User, User.id == KnowledgeUse.user_id)
        .order_by(KnowledgeUse.id)
    )
    return [tuple(row) for row in rows]


def test_demo_seeds_knowledge_the_tickets_use(app, runner):
    result = seed(runner, tickets=400)
    data = json.loads(ARTICLES.read_text("utf-8"))
    assert f"Created {len(data)} articles and" in result.output
    with app.app_context():
        articles = {a.id: a for a in db.session.scalars(select(Article))}
        assert sorted(a.title for a in articles.values()) == sorted(d["title"] for d in data)
        states = {a.state for a in articles.values()}
        assert states == {ArticleState.PUBLISHED, ArticleState.DRAFT, ArticleState.ARCHIVED}
        assert {a.visibility for a in articles.values()} == set(Visibility)
        confidential = [a for a in articles.values() if a.group.confidential]
        assert any(a.for_frontline for a in confidential)
        assert any(not a.for_frontline and not a.public for a in confidential)
        assert any(a.review_on and a.review_on.year < 2026 for a in articles.values())
        templates = list(db.session.scalars(select(AnswerTemplate)))
        assert templates and all(t.group_id and "{namn}" in t.body for t in templates)

        uses = list(db.session.scalars(select(KnowledgeUse)))
        assert any(u.article_id for u in uses) and any(u.template_id for u in uses)
        tickets = {t.id: t for t in db.session.scalars(select(Ticket))}
        for use in uses:
            ticket = tickets[use.ticket_id]
            assert ticket.status == Status.RESOLVED and ticket.outcome != Outcome.WITHDRAWN
            assert use.used_at == ticket.resolved_at and use.user_id == ticket.resolved_by_id
            if use.article_id:
                article = articles[use.article_id]
                assert article.state == ArticleState.PUBLISHED
                assert ticket.category_id in {c.id for c in article.categories}
                if ticket.answered_by == GroupKind.FRONTLINE and article.group.confidential:
                    assert article.public or article.for_frontline
            else:
                template = db.session.get(AnswerTemplate, use.template_id)
                assert template.group_id == ticket.resolved_group_id
        # Answers with an article were more often given at first contact.
        used = {u.ticket_id for u in uses if u.article_id}
        counted = [
            t
            for t in tickets.values()
            if t.status == Status.RESOLVED and t.outcome != Outcome.WITHDRAWN
        ]
        share = lambda ts: sum(bool(t.first_contact) for t in ts) / len(ts)  # noqa: E731
        assert share([t for t in counted if t.id in used]) > share(
            [t for t in counted if t.id not in used]
        )
        assert db.session.query(SearchMiss).count() == MISS_COUNT
        first = _uses()
        manager_id = db.session.scalar(select(User.id).where(User.role == Role.MANAGER))

    client = app.test_client()
    login(client, manager_id)
    page = client.get("/statistik/kunskap?period=last_12_months")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Skriv en artikel" in html and "gatubelysning" in html

    empty_database(app)
    seed(runner, tickets=400)
    with app.app_context():
        assert _uses() == first
