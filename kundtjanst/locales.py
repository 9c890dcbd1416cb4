"""Which language a page is in, and the language links.

Citizens may read the public pages (`citizen_page`) in CITIZEN_LANGUAGES (Swedish,
English and Finnish by default); staff work in LANGUAGES (Swedish or English). The
choice, in order:

- on a citizen page: the language link the citizen followed (a cookie), then the
  language a signed-in user chose on the account page (kept in the session);
- on any other page the other way round: the user's choice, then the cookie;
- then the browser's Accept-Language; then the default, Swedish.

The API answers in its caller's Accept-Language. Outside a request (jobs, the CLI)
it is Swedish; a mail to a citizen is written under `flask_babel.force_locale` in
the ticket's language (`mail_language`: Swedish when that language is no longer
offered or has no catalogue).

A ticket keeps the citizen's language (`Ticket.language`, one of CITIZEN_LANGUAGES):
the page's when they asked on the form, the one staff chose on "Ny kontakt", an API
caller's, or an e-mail's Content-Language (`from_tags`).
"""

from __future__ import annotations

import gettext
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache

from babel import Locale, UnknownLocaleError
from flask import current_app, has_request_context, request, session, url_for
from flask_babel import get_domain, get_locale

COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600


def citizen_page(view: Callable) -> Callable:
    """Marks a view as a public page offered in every citizen language."""
    view.citizen_page = True
    return view


def is_citizen_page() -> bool:
    if request.endpoint is None:  # a 404 or 405: anyone may have asked
        return True
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "citizen_page", False))


def offered() -> tuple[str, ...]:
    """The languages this request's page can be read in."""
    key = "CITIZEN_LANGUAGES" if is_citizen_page() else "LANGUAGES"
    return tuple(current_app.config[key])


def citizen_languages() -> tuple[str, ...]:
    return tuple(current_app.config["CITIZEN_LANGUAGES"])


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current() -> str:
    """The language of this page (or of `force_locale`'s block)."""
    return str(get_locale() or default_language())


def asked_in() -> str:
    """The language a citizen asks in on a public page: the page's."""
    code = current()
    return code if code in citizen_languages() else default_language()


def ticket_language(code: str | None) -> str:
    """A new ticket's language: ``code``, one of CITIZEN_LANGUAGES (the callers check
    what people send), or the default when none is given."""
    if not code:
        return default_language()
    if code not in citizen_languages():
        raise ValueError(f"{code!r} is not one of CITIZEN_LANGUAGES")
    return code


def all_languages() -> tuple[str, ...]:
    config = current_app.config
    return tuple(dict.fromkeys((*config["LANGUAGES"], *config["CITIZEN_LANGUAGES"])))


def select() -> str:
    """Flask-Babel's locale selector."""
    default = default_language()
    if not has_request_context():
        return default
    if request.path.startswith("/api/") and request.path != "/api/v1/docs":
        # The API's answers: no session, so Accept-Language, else Swedish.
        return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or default
    choices = offered()
    cookie, chosen = request.cookies.get(COOKIE), session.get(COOKIE)
    for wish in (cookie, chosen) if is_citizen_page() else (chosen, cookie):
        if wish in choices:
            return wish
    return request.accept_languages.best_match(choices) or default


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


# Dates and numbers are written as the language is written in Sweden where the
# Unicode CLDR knows that variant (English: en_SE, "2026-12-05, 21:40", "12 345,5"),
# else as the language itself is (Finnish: "5.12.2026 21.40").
REGION = "SE"


@cache
def _formats(code: str) -> Locale:
    try:
        return Locale.parse(f"{code}_{REGION}")
    except (ValueError, UnknownLocaleError):
        return _locale(code)


def formats() -> Locale:
    """The locale dates, times and numbers on this page are written in."""
    return _formats(current())


def name(code: str) -> str:
    """A language's name in itself: "svenska", "English", "suomi"."""
    return _capital(_locale(code).get_display_name(code) or code)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def name_here(code: str, capital: bool = True) -> str:
    """A language's name in the page's language, for staff: "Finska" on a Swedish page
    ("finska" with ``capital`` false, inside a sentence); a code Babel does not know is
    shown as it is."""
    try:
        text = _locale(code).get_display_name(current()) or code
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    return _capital(text) if capital else text


def has_catalogue(code: str) -> bool:
    """Whether a compiled catalogue for ``code`` is in a translation directory."""
    domain = get_domain()
    return any(
        gettext.find(domain.domain[0], directory, [code])
        for directory in domain.translation_directories
    )


def mail_language(code: str | None) -> str:
    """The language a mail to a citizen is written in: the ticket's while citizens are
    still offered it and its catalogue is there, else the default (Swedish) — a mail
    in a language whose texts are missing would go out in English msgids."""
    fallback = default_language()
    if code and code != fallback and code in citizen_languages() and has_catalogue(code):
        return code
    return fallback


def from_tags(tags: Iterable[str]) -> str | None:
    """The first citizen language among BCP 47 tags ("fi-FI", "sv"; a mail's
    Content-Language), compared without regard to case: the whole tag, then its
    language ("sv-FI" is Swedish). None when none is offered."""
    known = {tag(code).lower(): code for code in citizen_languages()}
    for given in tags:
        given = given.strip().lower().replace("_", "-")
        found = known.get(given) or known.get(given.split("-", 1)[0])
        if found:
            return found
    return None


def direction(code: str) -> str:
    """ "rtl" for a language written right to left (Arabic, Persian …), else "ltr"."""
    return "rtl" if _locale(code).character_order == "right-to-left" else "ltr"


def tag(code: str) -> str:
    """The BCP 47 tag for a ``lang`` attribute ("sv", "pt-BR")."""
    return code.replace("_", "-")


def links(current: str) -> list[dict]:
    """The language links of this page: each leads back to it in another language."""
    if not has_request_context() or request.endpoint is None:
        back = "/"
    else:
        back = request.full_path.rstrip("?")
    return [
        {
            "code": code,
            "tag": tag(code),
            "name": name(code),
            "url": url_for("main.language", code=code, next=back),
            "current": code == current,
        }
        for code in offered()
    ]


def page() -> dict:
    """For the page's frame: its language's code, and ``lang`` and ``dir`` of ``<html>``."""
    code = current()
    return {"code": code, "tag": tag(code), "dir": direction(code)}


def by_language(people: Iterable[tuple[str, str | None]]) -> dict[str, list[str]]:
    """(address, language) pairs grouped by language; a language no longer offered to
    staff, or none, is the default."""
    staff, default = current_app.config["LANGUAGES"], default_language()
    grouped: dict[str, list[str]] = defaultdict(list)
    for address, language in people:
        grouped[language if language in staff else default].append(address)
    return dict(grouped)
