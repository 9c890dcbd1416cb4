"""Writing articles out (`flask kb export`) in the format `transfer` reads: a JSON list
of objects, or a folder of Markdown files with YAML front matter. An article written
out and read back in is the same article, translations included."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.slugs import slugify
from ..extensions import db
from .models import Article


def as_data(article: Article) -> dict[str, Any]:
    """An article in the import format (`transfer.read` gives the same article back)."""
    names = [c.name for c in article.categories]
    data: dict[str, Any] = {
        "title": article.title,
        "category": names[0] if len(names) == 1 else names,
        "group": article.group.slug,
        "visibility": article.visibility.value,
        "state": article.state.value,
        "for_frontline": article.for_frontline,
        "summary": article.summary,
    }
    if article.review_on is not None:
        data["review"] = article.review_on.isoformat()
    if article.translations:
        data["translations"] = {
            t.language: {"title": t.title, "summary": t.summary, "body": t.body}
            for t in article.translations
        }
    data["body"] = article.body
    return data


def all_articles() -> list[Article]:
    stmt = select(Article).options(selectinload(Article.translations)).order_by(Article.id)
    return list(db.session.scalars(stmt))


def write_json(path: Path, articles: Iterable[Article]) -> int:
    data = [as_data(a) for a in articles]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return len(data)


def as_markdown(article: Article) -> str:
    meta = as_data(article)
    body = meta.pop("body")
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{front}---\n\n{body}\n"


def write_markdown(folder: Path, articles: Iterable[Article]) -> int:
    """One ``<slug of the title>.md`` per article (``-2``, ``-3`` … when taken)."""
    folder.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    count = 0
    for article in articles:
        stem = slugify(article.title, 60) or f"artikel-{article.id}"
        name, n = stem, 1
        while name in used:
            n += 1
            name = f"{stem}-{n}"
        used.add(name)
        (folder / f"{name}.md").write_text(as_markdown(article), encoding="utf-8")
        count += 1
    return count
