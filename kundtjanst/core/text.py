"""Characters that break a line or turn the direction of text, and how to make a
value fit on one line. Pure: forms refuse these characters, mail folds them away."""

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
# Every control character (C0, DEL, C1) and the separators: nothing for one line.
_NOT_ON_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\s]+")


def has_line_break(text: str) -> bool:
    return bool(_LINE_BREAK.search(text))


def has_direction_control(text: str) -> bool:
    return bool(_DIRECTION_CONTROL.search(text))


def one_line(text: str) -> str:
    """``text`` on one line: direction controls left out, every run of white space,
    line breaks and control characters one space, no space at either end."""
    return _NOT_ON_ONE_LINE.sub(" ", _DIRECTION_CONTROL.sub("", text)).strip()
