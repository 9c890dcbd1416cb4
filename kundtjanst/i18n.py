"""Translations looked up cheaply.

A list page translates a few hundred labels; Flask-Babel finds the catalogue for
each of them anew (the domain, the request's locale, the locale's name, a cache),
which was a third of the inbox's time. Here the catalogue is found from the
locale alone, kept per locale for the life of the process, and the templates'
``_()``, ``gettext`` and ``ngettext`` and the lazy labels (`lazytext`) use it.
``force_locale`` keeps working: the locale is asked for on every lookup.
"""

from __future__ import annotations

from babel.support import NullTranslations, Translations
from flask import Flask, current_app
from flask_babel import get_domain, get_locale

_NOTHING = NullTranslations()


def catalogue() -> Translations | NullTranslations:
    """The current locale's catalogue (none outside a request or app context)."""
    locale = get_locale()
    if locale is None:
        return _NOTHING
    catalogues = current_app.extensions["kundtjanst.catalogues"]
    key = (locale.language, locale.territory, locale.script, locale.variant)
    found = catalogues.get(key)
    if found is None:
        found = catalogues[key] = get_domain().get_translations()
    return found


def gettext(string: str, **variables) -> str:
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


def install(app: Flask) -> None:
    """The templates' gettext callables (after Flask-Babel has installed its own).
    The catalogues are kept per application: each may have its own translation
    directories (BABEL_TRANSLATION_DIRECTORIES)."""
    app.extensions["kundtjanst.catalogues"] = {}
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
