"""Changing the knowledge base. Services flush, views and commands commit.

Every save of an article writes a new `ArticleVersion` (the current text is always
the newest version as well), so the history is complete and any version can be
restored — restoring is a new version with the old text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.errors import InvalidChange
from ..core.personaldata import Finding, findings
from ..core.placeholders import miss_terms
from ..core.timeutil import utcnow
from ..extensions import db
from ..org.models import Category, Group
from . import rules
from .models import (
    AnswerTemplate,
    Article,
    ArticleState,
    ArticleVersion,
    KnowledgeUse,
    SearchMiss,
    SearchScope,
    SelfServiceAnswer,
    Visibility,
)

if TYPE_CHECKING:
    from ..auth.models import User
    from ..tickets.models import Event, Ticket


@dataclass
class ArticleFields:
    """What an editor (or an import) gives for an article."""

    title: str
    summary: str
    body: str
    group: Group
    categories: Sequence[Category] = ()
    visibility: Visibility = Visibility.INTERNAL
    state: ArticleState = ArticleState.DRAFT
    for_frontline: bool = False
    review_on: date | None = None
    note: str | None = None
    extra: dict = field(default_factory=dict)


def _check(fields: ArticleFields) -> None:
    if not fields.title.strip():
        raise InvalidChange(_("Write a title."), "title")
    if not (fields.summary.strip() or fields.body.strip()):
        raise InvalidChange(_("Write the short answer or the text."), "summary")
    if not fields.group.active:
        raise InvalidChange(_("The owning group is no longer active."), "group")


def _apply(article: Article, fields: ArticleFields, actor: User | None) -> None:
    article.title = fields.title.strip()
    article.summary = fields.summary.strip()
    article.body = fields.body.strip()
    article.group = fields.group
    article.group_id = fields.group.id
    article.categories = list(fields.categories)
    article.visibility = fields.visibility
    article.for_frontline = fields.for_frontline
    if article.review_on != fields.review_on:
        article.reminded_for = None
    article.review_on = fields.review_on
    _set_state(article, fields.state)
    article.updated_at = utcnow()
    article.updated_by_id = actor.id if actor else None


def _set_state(article: Article, state: ArticleState) -> None:
    if state == ArticleState.PUBLISHED and article.state != ArticleState.PUBLISHED:
        article.published_at = utcnow()
    article.state = state


def _snapshot(article: Article, actor: User | None, note: str | None) -> ArticleVersion:
    version = ArticleVersion(
        article_id=article.id,
        number=article.version,
        title=article.title,
        summary=article.summary,
        body=article.body,
        fields={
            "visibility": article.visibility.value,
            "state": article.state.value,
            "group_id": article.group_id,
            "category_ids": [c.id for c in article.categories],
            "for_frontline": article.for_frontline,
            "review_on": article.review_on.isoformat() if article.review_on else None,
        },
        note=(note or "").strip()[:200] or None,
        changed_at=article.updated_at,
        changed_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    return version


def _may_set_state(actor: User | None, article: Article, state: ArticleState) -> None:
    """Only the owners publish or archive; anyone else's text stays a draft."""
    if actor is None or state == ArticleState.DRAFT:
        return
    if not rules.may_publish(actor, article):
        raise InvalidChange(
            _(
                "Only the members of %(group)s publish or archive its articles.",
                group=article.group,
            ),
            "state",
        )


def create_article(actor: User | None, fields: ArticleFields) -> Article:
    """A new article; ``actor`` None is an import (the command line)."""
    _check(fields)
    article = Article(version=1, created_by_id=actor.id if actor else None)
    article.group = fields.group
    article.group_id = fields.group.id
    article.state = ArticleState.DRAFT
    article.visibility = fields.visibility
    article.for_frontline = fields.for_frontline
    _may_set_state(actor, article, fields.state)
    _apply(article, fields, actor)
    db.session.add(article)
    db.session.flush()
    _snapshot(article, actor, fields.note)
    db.session.flush()
    return article


def update_article(article: Article, actor: User | None, fields: ArticleFields) -> bool:
    """Save a changed article as its next version. False (and nothing written) when
    nothing changed."""
    if actor is not None and not rules.may_edit(actor, article):
        raise InvalidChange(_("You may not change this article."))
    _check(fields)
    if fields.state != article.state or fields.group.id != article.group_id:
        _may_set_state(actor, article, fields.state)
        if (
            actor is not None
            and fields.group.id != article.group_id
            and not rules.owns(actor, article)
        ):
            raise InvalidChange(_("Only the owners give an article to another group."), "group")
    before = _comparable(article)
    _apply(article, fields, actor)
    if _comparable(article) == before:
        return False
    article.version += 1
    db.session.flush()
    _snapshot(article, actor, fields.note)
    db.session.flush()
    return True


def _comparable(article: Article) -> tuple:
    return (
        article.title,
        article.summary,
        article.body,
        article.group_id,
        tuple(sorted(c.id for c in article.categories)),
        article.visibility,
        article.state,
        article.for_frontline,
        article.review_on,
    )


def set_state(article: Article, actor: User, state: ArticleState) -> None:
    """Publish, archive or take back to draft: a new version with the same text."""
    fields = fields_of(article, state=state, note=None)
    update_article(article, actor, fields)


def fields_of(article: Article, **changes) -> ArticleFields:
    fields = ArticleFields(
        title=article.title,
        summary=article.summary,
        body=article.body,
        group=article.group,
        categories=list(article.categories),
        visibility=article.visibility,
        state=article.state,
        for_frontline=article.for_frontline,
        review_on=article.review_on,
    )
    for name, value in changes.items():
        setattr(fields, name, value)
    return fields


def restore(article: Article, actor: User, number: int) -> None:
    """Make version ``number``'s text (title, short answer, body) the current one,
    as a new version; the state and the rest stay as they are."""
    if not rules.owns(actor, article):
        raise InvalidChange(_("Only the owners restore an earlier version."))
    old = db.session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article.id, ArticleVersion.number == number
        )
    )
    if old is None:
        raise InvalidChange(_("There is no such version."))
    fields = fields_of(
        article,
        title=old.title,
        summary=old.summary,
        body=old.body,
        note=_("Restored version %(number)s", number=number),
    )
    update_article(article, actor, fields)


def mark_reminded(article: Article) -> None:
    article.reminded_for = article.review_on
    db.session.flush()


def personal_data(*texts: str) -> list[Finding]:
    """What in ``texts`` looks like personal data (`core.personaldata`), leaving out the
    municipality's own contact details and its groups' addresses."""
    config = current_app.config
    own = [config.get("CONTACT_EMAIL"), config.get("CONTACT_PHONE"), config.get("MAIL_REPLY_TO")]
    own += list(db.session.scalars(select(Group.email).where(Group.email.is_not(None))))
    return findings("\n".join(texts), tuple(o for o in own if o))


# --- templates ------------------------------------------------------------------


def save_template(
    template: AnswerTemplate | None,
    actor: User,
    *,
    name: str,
    body: str,
    group: Group | None,
    category: Category | None = None,
) -> AnswerTemplate:
    """Create (``template`` None) or change a template: personal when ``group`` is
    None, else shared in ``group`` (of which ``actor`` must be a member, or an
    administrator)."""
    if not name.strip() or not body.strip():
        raise InvalidChange(_("Write a name and a text."), "name")
    if group is not None and group.id not in actor.group_ids and not actor.is_admin:
        raise InvalidChange(_("You can share templates only in your own groups."), "group")
    if template is None:
        template = AnswerTemplate()
    elif not rules.may_edit_template(actor, template):
        raise InvalidChange(_("You may not change this template."))
    template.name = name.strip()
    template.body = body.strip()
    template.group_id = group.id if group else None
    template.owner_id = None if group else actor.id
    template.category_id = category.id if category else None
    template.updated_at = utcnow()
    # Added only now: reading ``actor.id`` above may load it and flush the session,
    # which must not meet a template without its owner or group.
    db.session.add(template)
    db.session.flush()
    return template


def delete_template(template: AnswerTemplate, actor: User) -> None:
    if not rules.may_edit_template(actor, template):
        raise InvalidChange(_("You may not change this template."))
    db.session.delete(template)
    db.session.flush()


# --- what happened with them ---------------------------------------------------


def record_uses(
    ticket: Ticket,
    actor: User,
    *,
    articles: Iterable[Article] = (),
    templates: Iterable[AnswerTemplate] = (),
    event: Event | None = None,
) -> list[KnowledgeUse]:
    """The articles and templates a reply (or closing answer) was written with."""
    common = {
        "ticket_id": ticket.id,
        "event_id": event.id if event is not None else None,
        "user_id": actor.id,
        "used_at": utcnow(),
    }
    uses = [
        KnowledgeUse(article_id=article_id, **common)
        for article_id in dict.fromkeys(a.id for a in articles)
    ] + [
        KnowledgeUse(template_id=template_id, **common)
        for template_id in dict.fromkeys(t.id for t in templates)
    ]
    db.session.add_all(uses)
    db.session.flush()
    return uses


def record_miss(query: str, scope: SearchScope, category_id: int | None = None) -> None:
    """A search that found nothing, as words only (nothing kept if nothing is left)."""
    terms = miss_terms(query)
    if terms:
        db.session.add(SearchMiss(terms=terms, scope=scope, category_id=category_id))
        db.session.flush()


def record_self_service(article: Article, category_id: int | None) -> SelfServiceAnswer:
    """A citizen found the answer in a public article instead of asking."""
    if not rules.may_read(None, article):  # what a citizen may read: public, published
        raise InvalidChange(_("That article is not public."))
    answer = SelfServiceAnswer(article_id=article.id, category_id=category_id)
    db.session.add(answer)
    db.session.flush()
    return answer
