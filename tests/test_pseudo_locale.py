"""Every page in a pseudo-locale (issue 16): no visible text escapes translation.

The pseudo catalogue (tests/pseudo.py) turns every msgid into accented letters between
⟦ ⟧, so a page rendered in it shows plain ASCII words only where text did not go
through gettext: a string written into a template or into Python, a label built
without gettext, a validator's own English message. Every route of the authorization
matrix is asked as every kind of user it answers with a page, over the matrix's
scenario, and so are the error pages; every HTML answer is read as a person sees it:
its text without script and style, and the attributes shown to them (title,
aria-label, placeholder, alt, a button's value). What is data is removed (every text
stored in the database, the settings shown, the languages' names, what Babel writes
for the locale, addresses), and so is code (``<code>``, ``<pre>``) and any passage
marked as another language (``lang="sv"`` on a language link, the API contract's
English). What is left must be pseudo text.

More of it: test_pseudo_locale_forms.py (every form, sent right and wrong),
test_pseudo_locale_crawl.py (the demo municipality, link by link) and
test_pseudo_locale_mail.py (every mail).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from html.parser import HTMLParser

import pytest
from babel import Locale
from babel.dates import format_date, format_timedelta
from sqlalchemy import Enum, LargeBinary, String, Text, select

from kundtjanst import locales
from kundtjanst.core.timeutil import local_today
from kundtjanst.core.workingtime import swedish_holidays
from kundtjanst.extensions import db

from . import pseudo
from .conftest import login, make_app
from .test_authorization_matrix import MATRIX, ROLES, scenario  # noqa: F401  (fixture)

CODE = "eo"  # a language no catalogue of the application has, and WTForms has none either

# Words on a page that are no interface text, so never translated. Keep it short.
ALLOWED = {
    "API",  # in the API's name, "En väg in API" (API_TITLE), on its reference page
}


class Visible(HTMLParser):
    """A page's visible text: its text nodes (not script, style or a passage in
    another language) and the attributes a person reads."""

    ATTRIBUTES = ("title", "aria-label", "aria-description", "placeholder", "alt", "label")
    ATTRIBUTES += ("data-kb-done",)  # said by a script (static/js/kb-insert.js)
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    # Not shown, or code (commands, identifiers): the same in every language.
    HIDDEN = {"script", "style", "template", "code", "kbd", "samp", "pre"}

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        other = values.get("lang") not in (None, self.language) and tag != "html"
        skip = self.skipping or tag in self.HIDDEN or other
        if not skip:
            self.parts += [values[name] or "" for name in self.ATTRIBUTES if name in values]
            if tag == "input" and values.get("type") in ("submit", "button", "reset"):
                self.parts.append(values.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str, language: str = CODE) -> list[str]:
    """The pieces of text a person sees on the page."""
    parser = Visible(language)
    parser.feed(html)
    parser.close()
    return [part.strip() for part in parser.parts if part.strip()]


WORD = re.compile(r"[A-Za-z]{3,}")


# Columns holding a code (a status "open", an action "ticket.read"), not data: a code
# shown as it is stored is an untranslated word.
CODES = {"status", "kind", "channel", "outcome", "answered_by", "priority", "state", "role"}
CODES |= {"source", "scope", "type", "action", "reason", "automatic", "job", "language"}


def stored_words(app, leave_out: frozenset[str] = frozenset()) -> set[str]:
    """The words of every text stored in the database (names, subjects, e-mail
    addresses, article bodies, a quarantined mail's bytes …), of the settings shown on
    pages, and every language's name in itself: data, not interface."""
    words: set[str] = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in leave_out:
                continue
            columns = [
                column
                for column in table.columns
                if isinstance(column.type, String | Text | LargeBinary)
                and not isinstance(column.type, Enum)
                and column.name not in CODES
            ]
            for row in db.session.execute(select(*columns)) if columns else ():
                for value in row:
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    words.update(WORD.findall(value or ""))
        words.update(locales.name(code) for code in locales.all_languages())
        # The public holidays are named by the holidays package (in Swedish for a
        # language it does not know): a calendar's data, like the closed days' notes.
        this_year = local_today().year
        for year in (this_year, this_year + 1):
            words.update(WORD.findall(" ".join(swedish_holidays(year, CODE).values())))
    config = app.config
    for key in ("MUNICIPALITY", "CONTACT_EMAIL", "CONTACT_PHONE", "BASE_URL", "MAIL_FROM"):
        words.update(WORD.findall(str(config[key])))
    return words


@cache
def locale_words(code: str) -> frozenset[str]:
    """What Babel writes in the locale itself: month, day and language names, durations."""
    names = Locale.parse(code).languages.values()
    monday = date(2026, 1, 5)
    text = [format_date(monday + timedelta(days=day), "EEEE EEE", code) for day in range(7)]
    text += [format_date(date(2026, month, 1), "MMMM MMM LLLL LLL", code) for month in range(1, 13)]
    for seconds in (1, 60, 3600, 86400, 7 * 86400, 31 * 86400, 366 * 86400):
        for count in (1, 2):
            for direction in (False, True):
                text.append(
                    format_timedelta(
                        timedelta(seconds=seconds * count),
                        add_direction=direction,
                        locale=code,
                    )
                )
    words = WORD.findall(" ".join([*text, *names]))
    return frozenset(words + [word.capitalize() for word in words])


# Addresses, file names and API scopes ("tickets:read"): no language's words. Other
# identifiers (a job "mail.send", an action "ticket.read") belong in <code>.
ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+|\b[\w-]+\.(?:se|fi|org|com|pdf|txt|csv|json)\b"
    r"|\b[a-z]+:[a-z_<>]+\b"
)


def untranslated(pieces: list[str], data: set[str]) -> list[str]:
    """The pieces of text with a word that is neither pseudo text nor data."""
    return [
        " ".join(piece.split())[:120]
        for piece in pieces
        if any(
            word not in data and word not in ALLOWED
            for word in pseudo.untranslated_words(ADDRESS.sub(" ", piece))
        )
    ]


@pytest.fixture(scope="module")
def pseudo_directory(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pseudo")
    pseudo.build(directory, CODE, "accented")
    return directory


@pytest.fixture(scope="module")
def pseudo_app(app, database_url, pseudo_directory):
    """The application with the pseudo language for staff and citizens, on the same
    database as ``app``."""
    return make_app(
        database_url,
        LANGUAGES=("sv", "en", CODE),
        CITIZEN_LANGUAGES=("sv", "en", "fi", CODE),
        BABEL_TRANSLATION_DIRECTORIES=f"translations;{pseudo_directory}",
    )


def client_as(pseudo_app, user_id: int | None):
    """A test client reading in the pseudo language, signed in as ``user_id``."""
    client = pseudo_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = CODE
    if user_id is not None:
        login(client, user_id)
    return client


# What a page's script shows of a JSON answer (the export's state).
SHOWN_KEYS = {"message", "progress", "error"}


class Reader:
    """Reads answers and mails as a person does, and keeps every piece of text; at the
    end, those with a word that is neither pseudo text nor data. Where the data changes
    as it goes (``changing``: a form renames what it showed), it is read anew with
    every piece."""

    def __init__(self, app, *extra_data: str, changing=False, leave_out=frozenset()):
        self.app, self.changing, self.leave_out = app, changing, leave_out
        self.pieces: dict[str, list[str]] = {}
        self.data = locale_words(CODE) | set(extra_data)

    def read(self, response, where: str) -> None:
        if 300 <= response.status_code < 400:
            return  # a browser follows it and shows nothing of it
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            whole = "<html" in html  # else a fragment (the call panel)
            assert not whole or f'<html lang="{CODE}"' in html, f"{where}: not in {CODE}"
            self.text(visible_text(html), f"{where} ({response.status_code})")
        elif response.mimetype == "application/json" and not where.split()[1].startswith("/api"):
            shown = [v for k, v in (response.get_json() or {}).items() if k in SHOWN_KEYS]
            self.text([v for v in shown if isinstance(v, str)], f"{where} (JSON)")

    def text(self, pieces: list[str], where: str) -> None:
        self.pieces.setdefault(where, []).extend(pieces)
        if self.changing:
            self.data |= stored_words(self.app, self.leave_out)

    def untranslated(self) -> str:
        """The report of what was not translated; empty when everything was."""
        self.data |= stored_words(self.app, self.leave_out)
        lines = []
        for where, pieces in self.pieces.items():
            found = untranslated(pieces, self.data)
            if found:
                lines += [where, *(f"    {piece!r}" for piece in dict.fromkeys(found))]
        return "\n".join(["untranslated text:", *lines]) if lines else ""


def requests():
    """(role, method, url template, form) of every case in the matrix that shows a
    page: every GET, and every POST answered with a page (a form's errors, a secret
    shown once)."""
    for (_rule, method), case in sorted(MATRIX.items()):
        for role, outcome in zip(ROLES, case.expected, strict=True):
            if outcome == "login" or outcome in (302, 303):
                continue
            if method == "GET" or outcome in (200, 400):
                yield role, method, case.url, case.data


# The error pages no route of the matrix answers with: (role, method, url, request).
ERRORS = [
    ("agent", "GET", "/logga-ut", {}),  # 405
    ("anonymous", "POST", "/fraga", {"json": {"subject": "x"}}),  # 415
    ("agent", "POST", "/konto", {"data": {"language": "x" * 2_000_000}}),  # 413
]


def test_every_page_is_translated(pseudo_app, org, scenario):  # noqa: F811
    users = {role: getattr(org.users, role, None) for role in ROLES}
    clients = {role: client_as(pseudo_app, user) for role, user in users.items()}
    reader = Reader(pseudo_app)
    for role, method, url, form in requests():
        target = url.format(**scenario)
        body = {"_": "1", **(form or {})} if method == "POST" else None
        with clients[role].open(target, method=method, data=body) as response:
            reader.read(response, f"{method} {target} as {role}")
    for role, method, url, sent in ERRORS:
        with clients[role].open(url, method=method, **sent) as response:
            assert response.status_code in (405, 413, 415), response.status_code
            reader.read(response, f"{method} {url} as {role}")
    report = reader.untranslated()
    assert not report, report
