"""Slugs: a name as lower-case ASCII words joined by hyphens, for subject areas in
import files and for safe file names. Pure."""

from __future__ import annotations

import re
import unicodedata

_SWEDISH = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(name: str, max_length: int = 80) -> str:
    """``"Ekonomiskt bistånd"`` → ``"ekonomiskt-bistand"``: lower case, å/ä → a,
    ö → o, other accents dropped, every run of anything else one hyphen, none at
    the ends; at most ``max_length`` characters (cut at a hyphen when possible)."""
    text = name.casefold().translate(_SWEDISH)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALNUM.sub("-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = (cut.rsplit("-", 1)[0] if "-" in cut else cut).strip("-")
    return slug


def first_paragraph(markdown: str, max_length: int = 1000) -> str:
    """The first paragraph of a Markdown text that is not a heading, on one line,
    markers of emphasis left as they are; "" when there is none."""
    for block in re.split(r"\n\s*\n", markdown.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and not lines[0].startswith("#"):
            text = " ".join(lines)
            return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"
    return ""
