"""Moving articles in: a JSON file (a list of objects) or a folder of Markdown files
with YAML front matter, both with the same keys (`KEYS`). `flask kb import` (`cli.py`)
and the demo seed read through here; `flask kb export` writes the same format
(`transfer_out`).

Reading never trusts the file: YAML through ``safe_load`` only, text that is not
UTF-8 or holds NUL characters refused, sizes bounded. Each object (a JSON list's
element, a Markdown file) is one article: it is stored whole or refused whole with
its reason, in its own savepoint, through `services.create_article` /
`services.update_article` with no actor (the command line). An object with the same
title and the same subject areas as an existing article updates it. Without a
``summary`` (the short answer) the first paragraph of the body that is not a heading
becomes it, as plain text. ``translations`` (optional) holds the article's text in
other languages, ``{"en": {"title": …, "summary": …, "body": …}}``: each one given is
stored (`translations.save`); one left out stays as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..core.errors import InvalidChange
from ..core.slugs import first_paragraph, slugify
from ..core.text import has_line_break
from ..core.timeutil import FIRST_DAY, LAST_DAY
from ..extensions import db
from ..org.models import Category, Group
from . import services, translations
from .models import Article, ArticleState, Visibility
from .render import plain

REQUIRED = ("title", "category", "group", "visibility", "state", "body")
OPTIONAL = ("summary", "review", "for_frontline", "translations")
TRANSLATION_KEYS = ("title", "summary", "body")
KEYS = REQUIRED + OPTIONAL
MAX_JSON_BYTES = 50 * 1024 * 1024
MAX_MARKDOWN_BYTES = 2 * 1024 * 1024
MAX_TEXT = 200_000  # characters in a body or short answer
MAX_TITLE = 200
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ACTIONS = ("created", "updated", "unchanged", "refused")
_FENCE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


class Refused(ValueError):
    """An object that cannot become an article; the message says why."""


@dataclass
class Item:
    """One object read from a file: its data, or why it could not be read."""

    where: str  # "artiklar.json #3", "parkering.md"
    data: dict[str, Any] | None = None
    error: str | None = None


@dataclass
class Outcome:
    where: str
    action: str  # created, updated, unchanged, refused
    title: str = ""
    reason: str = ""
    article: Article | None = None
    # Stored, but its text looks as if it held personal data (`services.personal_data`).
    warning: str = ""


# --- reading files ----------------------------------------------------------------


def _text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Refused("not UTF-8 text") from error
    if "\x00" in text:
        raise Refused("contains NUL characters (a binary file?)")
    return text


def _read_bytes(path: Path, limit: int) -> bytes:
    if path.stat().st_size > limit:
        raise Refused(f"larger than {limit // (1024 * 1024)} MB")
    return path.read_bytes()


def read(path: Path) -> list[Item]:
    """The objects in ``path``: a folder of ``*.md`` files, one ``.md`` file, or a
    JSON file. A file that cannot be read at all is one refused item."""
    if path.is_dir():
        return [read_markdown(p) for p in sorted(path.glob("*.md")) if p.is_file()]
    if path.suffix.lower() == ".md":
        return [read_markdown(path)]
    return read_json(path)


def read_json(path: Path) -> list[Item]:
    try:
        data = json.loads(_text(_read_bytes(path, MAX_JSON_BYTES)))
    except Refused as error:
        return [Item(path.name, error=str(error))]
    except (ValueError, RecursionError) as error:
        return [Item(path.name, error=f"not valid JSON ({str(error)[:120]})")]
    if not isinstance(data, list):
        return [Item(path.name, error="not a JSON list of objects")]
    return [
        Item(f"{path.name} #{n}", data=entry)
        if isinstance(entry, dict)
        else Item(f"{path.name} #{n}", error="not an object")
        for n, entry in enumerate(data, start=1)
    ]


def read_markdown(path: Path) -> Item:
    try:
        return Item(path.name, data=parse_markdown(_text(_read_bytes(path, MAX_MARKDOWN_BYTES))))
    except Refused as error:
        return Item(path.name, error=str(error))


def parse_markdown(text: str) -> dict[str, Any]:
    """Front matter between ``---`` lines, then the body."""
    if not text.startswith("---"):
        raise Refused("no front matter (the file must begin with a line ---)")
    first = _FENCE.match(text)
    end = _FENCE.search(text, first.end()) if first else None
    if first is None or end is None:
        raise Refused("the front matter has no closing line ---")
    try:
        meta = yaml.safe_load(text[first.end() : end.start()])
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        # ValueError: a value YAML reads as a date that is none (2026-02-30).
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        raise Refused(f"the front matter is not plain YAML ({reason})") from error
    if not isinstance(meta, dict):
        raise Refused("the front matter is not a set of keys and values")
    if "body" in meta:
        raise Refused("the body goes after the front matter, not in a key body")
    return {**meta, "body": text[end.end() :].strip("\n")}


# --- from an object to an article's fields ------------------------------------------


class Lookup:
    """Groups by slug, subject areas by name or slug (case ignored)."""

    def __init__(self) -> None:
        self.groups = {g.slug: g for g in db.session.scalars(select(Group))}
        self.categories: dict[str, Category] = {}
        for category in db.session.scalars(select(Category).order_by(Category.id)):
            self.categories.setdefault(category.name.casefold(), category)
            self.categories.setdefault(slugify(category.name), category)

    def category(self, name: str) -> Category:
        found = self.categories.get(name.strip().casefold())
        if found is None:
            raise Refused(f"unknown subject area {name!r}")
        return found


def _string(data: dict, key: str, *, limit: int = MAX_TEXT) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise Refused(f"{key} must be text")
    if "\x00" in value:
        raise Refused(f"{key} contains NUL characters")
    if len(value) > limit:
        raise Refused(f"{key} is longer than {limit:,} characters")
    return value


def _review(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError as error:
            raise Refused(f"review is not a date: {value!r}") from error
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise Refused("review must be a date, YYYY-MM-DD")
    if not FIRST_DAY <= value <= LAST_DAY:
        raise Refused(f"review must be between {FIRST_DAY} and {LAST_DAY}")
    return value


def _categories(value: Any, lookup: Lookup) -> list[Category]:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Refused("category must be a subject area's name or slug, or a list of them")
    found = {c.id: c for c in (lookup.category(n) for n in names)}
    return sorted(found.values(), key=lambda c: c.name)


def _words(data: dict[str, Any]) -> tuple[str, str, str]:
    """The title, short answer and body of an article (or a translation)."""
    title = _string(data, "title", limit=MAX_TITLE).strip()
    if not title or has_line_break(title):
        raise Refused("title must be one line of text")
    body = _string(data, "body")
    summary = _string(data, "summary") if "summary" in data else plain(first_paragraph(body))
    return title, summary, body


def to_fields(data: dict[str, Any], lookup: Lookup) -> services.ArticleFields:
    """The article ``data`` describes; `Refused` with the first thing wrong."""
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise Refused("missing " + ", ".join(missing))
    unknown = sorted(str(key) for key in data if key not in KEYS)
    if unknown:
        raise Refused("unknown keys " + ", ".join(unknown))
    title, summary, body = _words(data)
    group_slug = data["group"]
    if not isinstance(group_slug, str) or group_slug not in lookup.groups:
        raise Refused(f"unknown group {group_slug!r}")
    try:
        visibility = Visibility(data["visibility"])
        state = ArticleState(data["state"])
    except (ValueError, TypeError) as error:
        raise Refused(
            "visibility must be internal or public, state draft, published or archived"
        ) from error
    for_frontline = data.get("for_frontline", False)
    if not isinstance(for_frontline, bool):
        raise Refused("for_frontline must be true or false")
    return services.ArticleFields(
        title=title,
        summary=summary,
        body=body,
        group=lookup.groups[group_slug],
        categories=_categories(data["category"], lookup),
        visibility=visibility,
        state=state,
        for_frontline=for_frontline,
        review_on=_review(data.get("review")),
        note="Imported",
    )


def to_translations(data: dict[str, Any]) -> dict[str, translations.TranslationFields]:
    """The translations ``data`` gives, by language; `Refused` with the first thing
    wrong."""
    given = data.get("translations", {})
    if not isinstance(given, dict):
        raise Refused("translations must map languages to a title, summary and body")
    found = {}
    for code, text in given.items():
        if code not in translations.languages():
            offered = ", ".join(translations.languages()) or "none"
            raise Refused(f"translations: unknown language {code!r} (offered: {offered})")
        try:
            if not isinstance(text, dict) or "title" not in text:
                raise Refused("must have a title")
            unknown = sorted(str(key) for key in text if key not in TRANSLATION_KEYS)
            if unknown:
                raise Refused("unknown keys " + ", ".join(unknown))
            title, summary, body = _words({"body": "", **text})
        except Refused as error:
            raise Refused(f"translations {code}: {error}") from error
        found[code] = translations.TranslationFields(title, summary, body)
    return found


# --- storing ------------------------------------------------------------------------


def _identity(fields: services.ArticleFields) -> tuple[str, frozenset[int]]:
    return fields.title, frozenset(c.id for c in fields.categories)


def _existing(fields: services.ArticleFields) -> Article | None:
    wanted = _identity(fields)
    for article in db.session.scalars(
        select(Article).where(Article.title == fields.title).order_by(Article.id)
    ):
        if (article.title, frozenset(c.id for c in article.categories)) == wanted:
            return article
    return None


def import_item(item: Item, lookup: Lookup, seen: set) -> Outcome:
    """Store one object as an article (created, updated or unchanged), or refuse it
    with the reason and store nothing of it. ``seen`` holds the identities (title,
    subject areas) already met in this import: a second one is refused."""
    title = item.data.get("title") if item.data else None
    title = title if isinstance(title, str) else ""
    if item.error is not None:
        return Outcome(item.where, "refused", title, item.error)
    try:
        fields = to_fields(item.data, lookup)
        texts = to_translations(item.data)
        if _identity(fields) in seen:
            raise Refused("the same title and subject area came earlier in this import")
        seen.add(_identity(fields))
        with db.session.begin_nested():
            article = _existing(fields)
            if article is None:
                article = services.create_article(None, fields)
                action = "created"
            else:
                action = (
                    "updated" if services.update_article(article, None, fields) else "unchanged"
                )
            saved = [translations.save(article, None, c, t) for c, t in texts.items()]
            if action == "unchanged" and any(saved):
                action = "updated"
    except (Refused, InvalidChange) as error:
        return Outcome(item.where, "refused", title, str(error))
    except SQLAlchemyError as error:
        return Outcome(item.where, "refused", title, f"the database refused it ({error.code})")
    words = [w for t in texts.values() for w in (t.title, t.summary, t.body)]
    found = services.personal_data(fields.title, fields.summary, fields.body, *words)
    warning = ", ".join(f"{f.kind} {f.text!r}" for f in found[:5])
    return Outcome(item.where, action, fields.title, article=article, warning=warning)


def import_items(items: Iterable[Item], after_each=None) -> list[Outcome]:
    """Import every item in turn; ``after_each(outcome)`` (the command commits there)."""
    lookup, seen, outcomes = Lookup(), set(), []
    for item in items:
        outcome = import_item(item, lookup, seen)
        if after_each is not None:
            after_each(outcome)
        outcomes.append(outcome)
    return outcomes
