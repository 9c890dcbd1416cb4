"""An article's Markdown as HTML that is safe to show: markdown-it renders with raw
HTML turned off, then nh3 keeps only the tags and attributes below (a second wall,
should the renderer ever let something through). Links may point only to http(s),
mail and phone addresses."""

from __future__ import annotations

import html as html_module
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
SCHEMES = {"http", "https", "mailto", "tel"}
_HEADING = re.compile(r"<h([1-6])>")
_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "js-default": CommonMark with tables and strikethrough, raw HTML off.
    parser = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
    parser.disable("image")  # no pictures from elsewhere in the staff's pages
    return parser


def to_html(markdown: str, top: int = 2) -> Markup:
    """The article as safe HTML. Its headings are fitted under the page's own: the
    highest one the text uses becomes ``h<top>`` and each deeper level used the next,
    so that a page never skips a heading level (# then ### becomes h2 then h3)."""
    rendered = _parser().render(markdown or "")
    used = sorted({int(level) for level in _HEADING.findall(rendered)})
    fitted = {level: min(top + rank, 6) for rank, level in enumerate(used)}
    rendered = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{fitted[int(m.group(2))]}>", rendered)
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
