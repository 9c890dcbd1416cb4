"""An article's Markdown as HTML that is safe to show: markdown-it renders with raw
HTML turned off, then nh3 keeps only the tags and attributes below (a second wall,
should the renderer ever let something through). Links may point only to http(s),
mail and phone addresses."""

from __future__ import annotations

import html as html_module
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default": CommonMark with tables and strikethrough, raw HTML off.
    parser = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")  # no pictures from elsewhere in the staff's pages
    return parser


def to_html(markdown: str) -> Markup:
    rendered = _parser().render(markdown or "")
    # Highest level first, so a demoted h2 is not demoted again.
    for level in (4, 3, 2, 1):
        rendered = rendered.replace(f"<h{level}>", f"<h{min(level + 1, 4)}>").replace(
            f"</h{level}>", f"</h{min(level + 1, 4)}>"
        )
    clean = nh3.clean(
        rendered,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)


def plain(markdown: str) -> str:
    """The text without markup, for search and for inserting into a reply."""
    html = _parser().render(markdown or "")
    text = html_module.unescape(nh3.clean(html, tags=set()))
    return " ".join(text.split())
