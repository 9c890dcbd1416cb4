"""The demo's knowledge base: the articles of ``data/knowledge.json`` loaded through
the import (`kb.transfer`, exactly as ``flask kb import`` loads a file), the shared
templates of ``data/templates.toml``, and what the demo tickets did with them:
articles and templates used in the answers of resolved tickets (more often in those
answered at first contact), and searches that found nothing. Drawn from its own
random stream, so the tickets stay the same with or without it."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from ..bulk import insert_rows
from ..core.vocabulary import GroupKind, Outcome, Status
from ..extensions import db
from ..kb import transfer
from ..kb.models import (
    AnswerTemplate,
    Article,
    ArticleState,
    KnowledgeUse,
    SearchMiss,
    SearchScope,
    Visibility,
)
from ..tickets.models import Ticket
from .municipality import Municipality

DATA = Path(__file__).parent / "data"
ARTICLES = DATA / "knowledge.json"
TEMPLATES = DATA / "templates.toml"

# How often an answer used an article of its subject area, when one was there.
USE_AT_FIRST_CONTACT = 0.55
USE_OTHERWISE = 0.2
USE_TEMPLATE = 0.25
# Searches that found nothing: words, the subject area's key (None: not chosen).
MISSES = (
    ("trasig gatlykta", "belysning"),
    ("gatubelysning", "belysning"),
    ("bibliotekskort", "bibliotek"),
    ("låna om böcker", "bibliotek"),
    ("serveringstillstånd", "livsmedel"),
    ("gymnasieantagning reserv", "gymnasieantagning"),
    ("båtplats", None),
    ("laddstolpe", "parkering"),
    ("hundrastgård", "parker"),
    ("fiskekort", None),
)
MISS_COUNT = 40


@dataclass
class KnowledgeResult:
    articles: int
    templates: int
    uses: int
    misses: int


def seed_knowledge(org: Municipality, rng: random.Random, now: datetime) -> KnowledgeResult:
    """Articles, templates, uses and misses, in the current transaction."""
    outcomes = transfer.import_items(transfer.read_json(ARTICLES))
    refused = [f"{o.where}: {o.reason}" for o in outcomes if o.action == "refused"]
    if refused:
        raise RuntimeError("The demo's articles did not import: " + "; ".join(refused))
    templates = _templates(org)
    uses = _uses(rng, templates)
    misses = _misses(org, rng, now)
    return KnowledgeResult(len(outcomes), len(templates), uses, misses)


def _templates(org: Municipality) -> list[AnswerTemplate]:
    with TEMPLATES.open("rb") as handle:
        specs = tomllib.load(handle)["templates"]
    templates = [
        AnswerTemplate(
            name=spec["name"],
            body=spec["body"],
            group_id=org.group_ids[spec["group"]],
            category_id=org.category_ids[spec["category"]] if "category" in spec else None,
        )
        for spec in specs
    ]
    db.session.add_all(templates)
    db.session.flush()
    return templates


def _articles_by_area() -> dict[int, list[tuple[int, bool]]]:
    """Published articles per subject area: (id, kundtjänst may read it)."""
    by_area: dict[int, list[tuple[int, bool]]] = {}
    for article in db.session.scalars(
        select(Article).where(Article.state == ArticleState.PUBLISHED).order_by(Article.id)
    ):
        frontline = (
            article.visibility == Visibility.PUBLIC
            or article.for_frontline
            or not article.group.confidential
        )
        for category in article.categories:
            by_area.setdefault(category.id, []).append((article.id, frontline))
    return by_area


def _uses(rng: random.Random, templates: list[AnswerTemplate]) -> int:
    by_area = _articles_by_area()
    by_group: dict[int, list[int]] = {}
    for template in templates:
        by_group.setdefault(template.group_id, []).append(template.id)
    resolved = db.session.execute(
        select(
            Ticket.id,
            Ticket.category_id,
            Ticket.resolved_at,
            Ticket.resolved_by_id,
            Ticket.resolved_group_id,
            Ticket.answered_by,
            Ticket.first_contact,
        )
        .where(Ticket.status == Status.RESOLVED, Ticket.outcome != Outcome.WITHDRAWN)
        .order_by(Ticket.id)
    )
    rows = []
    for ticket_id, category, at, user, group, answered_by, first in resolved:
        frontline = answered_by == GroupKind.FRONTLINE
        articles = [a for a, readable in by_area.get(category, ()) if readable or not frontline]
        use = {"ticket_id": ticket_id, "event_id": None, "user_id": user, "used_at": at}
        chance = USE_AT_FIRST_CONTACT if first else USE_OTHERWISE
        if articles and rng.random() < chance:
            rows.append({**use, "article_id": rng.choice(articles), "template_id": None})
        shared = by_group.get(group, ())
        if shared and rng.random() < USE_TEMPLATE:
            rows.append({**use, "article_id": None, "template_id": rng.choice(shared)})
    insert_rows(KnowledgeUse.__table__, rows)
    return len(rows)


def _misses(org: Municipality, rng: random.Random, now: datetime) -> int:
    rows = []
    for _ in range(MISS_COUNT):
        terms, key = rng.choice(MISSES)
        rows.append(
            {
                "terms": terms,
                "scope": rng.choice([SearchScope.STAFF, SearchScope.PUBLIC]).value,
                "category_id": org.category_ids[key] if key else None,
                "searched_at": now - timedelta(days=rng.randrange(60), minutes=rng.randrange(600)),
            }
        )
    insert_rows(SearchMiss.__table__, rows)
    return len(rows)
