"""Knowledge in the work: the panel beside a reply (the ticket page, "Ny kontakt").

It suggests articles for the question, searches on two words, offers the person's
answer templates, and inserts an article's short answer or a filled-in template into
the reply — on the server when the page has no JavaScript (the insert buttons are
submit buttons of the reply's own form, which comes back filled), in the browser
with it (`static/js/kb-insert.js` reads the same text from the buttons).

What was inserted travels with the form as ids in hidden fields; they are checked
again (only what the person may read or use counts) and recorded with the reply
(`record`). A reply still holding a placeholder (``{namn}``) is never sent:
`blocking` names them for the form's error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from ..core.placeholders import PLACEHOLDERS, fill
from ..core.vocabulary import EventKind
from ..extensions import db
from ..forms import MAX_ID, whole_number
from ..tickets.models import Event
from . import queries, rules, search, services
from .models import AnswerTemplate, Article, KnowledgeUse
from .render import plain

if TYPE_CHECKING:
    from ..auth.models import User
    from ..tickets.models import Ticket

# The names of the panel's own controls in a posted form (outside any prefix).
INSERT_ARTICLE = "kb-insert-article"
INSERT_TEMPLATE = "kb-insert-template"
SEARCH = "kb-search"
QUERY = "kb-q"
QUERY_MAX = 200
# At most this many ids are kept in a hidden field; more is not a real reply.
MAX_USED = 20


@dataclass(frozen=True)
class Item:
    """An article or template offered for insertion, with the text it inserts."""

    kind: str  # "article" or "template"
    id: int
    title: str
    text: str  # what goes into the reply


@dataclass
class Panel:
    query: str = ""
    searched: bool = False  # the items are a search's hits, not suggestions
    articles: list[Item] = field(default_factory=list)
    templates: list[Item] = field(default_factory=list)
    refused: bool = False  # asked to insert something the person may not use
    open_templates: bool = False  # show the templates unfolded

    def took(self, kind: str | None) -> None:
        """Show how an insert went: refused (``kind`` None), or a template unfolded."""
        self.refused = kind is None
        self.open_templates = kind == "template"


@dataclass(frozen=True)
class Request:
    """What the panel was asked in a posted form: an insert, or a search."""

    insert: bool  # an insert button was pressed (its id may still be forged)
    article_id: int | None
    template_id: int | None
    search: bool
    query: str


def asked(form: Mapping) -> Request | None:
    """The panel's request in ``form`` (request.form), or None when the form was
    simply sent. A forged id is read as no id: then nothing is inserted."""
    article = form.get(INSERT_ARTICLE)
    template = form.get(INSERT_TEMPLATE)
    search_asked = SEARCH in form
    if article is None and template is None and not search_asked:
        return None
    query = " ".join((form.get(QUERY) or "").split())[:QUERY_MAX]
    return Request(
        insert=article is not None or template is not None,
        article_id=whole_number(article, MAX_ID),
        template_id=whole_number(template, MAX_ID),
        search=search_asked,
        query=query,
    )


# --- the text inserted -----------------------------------------------------------


def article_text(article: Article) -> str:
    return article.summary.strip() or plain(article.body)


def values(user: User, *, name: str | None, reference: str | None) -> dict[str, str | None]:
    """What the placeholders say for this reply. The status link cannot be made
    again from what is stored (only its hash is), so it is left to the agent."""
    return {
        "namn": name,
        "ärendenummer": reference,
        "handläggare": user.name,
        "kommun": current_app.config["MUNICIPALITY"],
        "statuslänk": None,
    }


def ticket_values(user: User, ticket: Ticket) -> dict[str, str | None]:
    return values(user, name=ticket.citizen_name, reference=ticket.reference)


def blocking(text: str | None, given: dict[str, str | None]) -> list[str]:
    """The known placeholders ``text`` would still hold after filling in ``given``."""
    if not text:
        return []
    missing = fill(text, given).missing
    return [name for name in missing if name.lower() in PLACEHOLDERS]


def append(current: str | None, text: str) -> str:
    """``text`` added to what the reply already says, as a paragraph of its own."""
    current = (current or "").rstrip()
    return f"{current}\n\n{text}" if current else text


def parse_ids(raw: str | None) -> list[int]:
    """Ids from a hidden field ("3,7"): whole numbers only, each once, at most
    `MAX_USED`; anything else in it is dropped."""
    found: list[int] = []
    for part in (raw or "").split(",")[: MAX_USED * 2]:
        number = whole_number(part.strip(), MAX_ID)
        if number is not None and number not in found:
            found.append(number)
    return found[:MAX_USED]


def join_ids(ids: list[int]) -> str:
    return ",".join(str(i) for i in ids)


def usable_article(user: User, article_id: int | None) -> Article | None:
    """A published article ``user`` may read, or None."""
    found = usable_articles(user, [article_id] if article_id is not None else [])
    return found[0] if found else None


def usable_articles(user: User, ids: list[int]) -> list[Article]:
    if not ids:
        return []
    found = db.session.scalars(queries.published_for(user).where(Article.id.in_(ids)))
    by_id = {a.id: a for a in found}
    return [by_id[i] for i in ids if i in by_id]


def usable_templates(user: User, ids: list[int]) -> list[AnswerTemplate]:
    mine = {t.id: t for t in queries.templates_for(user)}
    return [mine[i] for i in ids if i in mine]


def insertion(
    user: User, asked_for: Request, given: dict[str, str | None]
) -> tuple[str, str, int] | None:
    """(kind, text, id) of what ``asked_for`` inserts, or None when it names nothing
    ``user`` may use."""
    article = usable_article(user, asked_for.article_id)
    if article is not None:
        return "article", article_text(article), article.id
    if asked_for.template_id is not None:
        template = queries.template_for(user, asked_for.template_id)
        if template is not None:
            return "template", fill(template.body, given).text, template.id
    return None


# --- the panel -------------------------------------------------------------------


def build(
    user: User,
    *,
    text: str,
    category_id: int | None,
    given: dict[str, str | None],
    query: str = "",
    searched: bool = False,
) -> Panel:
    """Suggestions for ``text`` in ``category_id`` (or the hits of ``query`` when the
    person searched), and the person's templates filled in with ``given``."""
    panel = Panel(query=query, searched=searched and bool(query))
    templates = queries.templates_for(user, category_id)
    if panel.searched:
        hits = search.find_for_staff(user, query, limit=8)
        articles = [h.article for h in hits if h.article is not None]
        found = [h.template for h in hits if h.template is not None]
        if found:
            templates, panel.open_templates = found, True
    elif text.strip() or category_id is not None:
        articles = search.suggest(user, text, category_id, limit=5)
    else:  # nothing known of the question yet
        articles = []
    panel.articles = [Item("article", a.id, a.title, article_text(a)) for a in articles]
    panel.templates = [Item("template", t.id, t.name, fill(t.body, given).text) for t in templates]
    return panel


def uses_on(ticket: Ticket, user: User) -> list[str]:
    """The articles and templates replies on ``ticket`` were written with, as ``user``
    may see them: an article they may not read, or someone's personal template, is
    not named."""
    uses = db.session.scalars(
        select(KnowledgeUse).where(KnowledgeUse.ticket_id == ticket.id).order_by(KnowledgeUse.id)
    ).all()
    article_ids = [u.article_id for u in uses if u.article_id is not None]
    readable = {
        a.id: a.title
        for a in db.session.scalars(queries.readable(user).where(Article.id.in_(article_ids)))
    }
    names: list[str] = []
    for use in uses:
        title = None
        if use.article_id in readable:
            title = readable[use.article_id]
        elif use.template_id is not None:
            template = db.session.get(AnswerTemplate, use.template_id)
            if template is not None and rules.may_use_template(user, template):
                title = template.name
        if title and title not in names:
            names.append(title)
    return names


# --- recording -------------------------------------------------------------------


def latest_reply(ticket: Ticket) -> Event | None:
    """The reply just written on ``ticket`` (flushed by the service)."""
    return db.session.scalar(
        select(Event)
        .where(Event.ticket_id == ticket.id, Event.kind == EventKind.REPLY)
        .order_by(Event.id.desc())
        .limit(1)
    )


def record(
    ticket: Ticket, user: User, used_articles: str | None, used_templates: str | None
) -> list[KnowledgeUse]:
    """Record what the reply just written on ``ticket`` used: only articles ``user``
    may read and templates they may use count; forged ids are dropped."""
    articles = usable_articles(user, parse_ids(used_articles))
    templates = usable_templates(user, parse_ids(used_templates))
    if not (articles or templates):
        return []
    return services.record_uses(
        ticket, user, articles=articles, templates=templates, event=latest_reply(ticket)
    )
