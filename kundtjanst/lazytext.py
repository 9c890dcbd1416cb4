"""Lazy translations that stay text in templates.

Flask-Babel's ``lazy_gettext`` returns a ``LazyString`` whose ``__html__`` hands Jinja
(and WTForms) the string as it is, as if it were markup. A message with a value in it
— a file's name, a group's name, a placeholder someone wrote — would then reach the
page unescaped. Every lazy message in the application comes from here instead: the
same lazy string, escaped whenever it is put into HTML. ``tests/test_architecture.py``
fails when a module imports ``lazy_gettext`` from Flask-Babel directly."""

from __future__ import annotations

from flask_babel import LazyString
from markupsafe import escape

from .i18n import gettext


class LazyText(LazyString):
    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables) -> LazyText:
    """Like Flask-Babel's, translated when shown; escaped when put into HTML."""
    return LazyText(gettext, string, **variables)
