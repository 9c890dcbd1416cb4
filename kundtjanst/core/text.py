"""Characters that break a line or turn the direction of text. Pure: the forms
refuse them."""

from __future__ import annotations

import re

# CR, LF and every other character that ends a line somewhere: vertical tab, form
# feed, NEL (U+0085), the line and paragraph separators (U+2028, U+2029).
LINE_BREAKS = "\r\n\x0b\x0c\x85\u2028\u2029"
# Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069):
# they make text read differently from what it is ("fdp.exe" shown as "exe.pdf").
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_LINE_BREAK = re.compile(f"[{LINE_BREAKS}]")
_DIRECTION_CONTROL = re.compile(f"[{DIRECTION_CONTROLS}]")


def has_line_break(text: str) -> bool:
    return bool(_LINE_BREAK.search(text))


def has_direction_control(text: str) -> bool:
    return bool(_DIRECTION_CONTROL.search(text))
