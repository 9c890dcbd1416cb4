"""The pages over a realistic municipality, in the pseudo-locale (issue 16).

The demo's Sjöstads kommun (kundtjanst/demo: two months of tickets through every
channel, escalations, replies, closings, repeat contacts, the knowledge base and its
statistics) is read as each kind of user would: from the start page, following every
link on every page, a few pages of each kind (the same endpoint and query
parameters). The citizen follows the public pages and a status link. What is read is
checked as in test_pseudo_locale.py.
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from kundtjanst.auth.models import Role, User
from kundtjanst.core.vocabulary import GroupKind
from kundtjanst.demo.cli import build_statistics, seed_demo
from kundtjanst.extensions import db
from kundtjanst.org.models import Group

from .factories import new_ticket
from .test_pseudo_locale import (  # noqa: F401  (pseudo_app, pseudo_directory: fixtures)
    Reader,
    client_as,
    pseudo_app,
    pseudo_directory,
)

PER_KIND = 2  # pages of one endpoint with the same query parameters
PER_USER = 160
START = ("/", "/konto", "/fragor-och-svar", "/fraga", "/tillganglighet", "/personuppgifter")
# Links that are no page to read: files, a change of language, signing out.
NOT_PAGES = re.compile(r"^/(static|sprak)/|^/logga-ut|\.(csv|xlsx|json)$|/bilagor/")
LINK = re.compile(r'<a [^>]*href="(/[^"]*)"')


@pytest.fixture
def demo(app) -> dict[str, int | None]:
    """The demo municipality (small); one user of each kind, and a status link."""
    with app.app_context():
        seed_demo(tickets=150, seed=16, days=60)
        db.session.commit()
        build_statistics(None)
        db.session.commit()
        _ticket, token = new_ticket(category_id=None)

        def member(confidential: bool) -> int:
            return db.session.scalar(
                select(User.id)
                .join(User.groups)
                .where(Group.kind == GroupKind.ANSWER, Group.confidential.is_(confidential))
                .order_by(User.id)
            )

        def having(role: Role, kind: GroupKind | None = None) -> int:
            query = select(User.id).where(User.role == role, User.active.is_(True))
            if kind is not None:
                query = query.join(User.groups).where(Group.kind == kind)
            return db.session.scalar(query.order_by(User.id))

        return {
            "anonymous": None,
            "agent": having(Role.STAFF, GroupKind.FRONTLINE),
            "member": member(False),
            "confidential": member(True),
            "manager": having(Role.MANAGER),
            "admin": having(Role.ADMIN),
            "status link": f"/arende/{token}",
        }


def links(page: str) -> list[str]:
    found = (html.unescape(href).partition("#")[0] for href in LINK.findall(page))
    return [href for href in found if href and not NOT_PAGES.search(href)]


def crawl(app, client, reader: Reader, who: str, start) -> int:
    """Follow the links from ``start``; returns the pages read."""
    adapter = app.url_map.bind("localhost")
    kinds: Counter = Counter()
    queue, seen = deque(start), set()
    while queue and len(seen) < PER_USER:
        url = queue.popleft()
        if url in seen:
            continue
        parts = urlsplit(url)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except (HTTPException, RequestRedirect):
            continue
        kind = (endpoint, tuple(sorted(parse_qs(parts.query))))
        if kinds[kind] >= PER_KIND:
            continue
        kinds[kind] += 1
        seen.add(url)
        with client.get(url) as response:
            reader.read(response, f"GET {url} as {who}")
            if response.location:
                queue.append(response.location)
            elif response.mimetype == "text/html":
                queue.extend(links(response.get_data(as_text=True)))
    return len(seen)


def test_every_page_of_a_real_municipality_is_translated(pseudo_app, demo):  # noqa: F811
    reader = Reader(pseudo_app)
    read = {}
    for who, user_id in demo.items():
        if who == "status link":
            continue
        start = (demo["status link"], *START) if who == "anonymous" else START
        read[who] = crawl(pseudo_app, client_as(pseudo_app, user_id), reader, who, start)
    assert read["anonymous"] >= 8 and min(read.values()) >= 8, read
    assert read["manager"] >= 40 and read["admin"] >= 60, read
    report = reader.untranslated()
    assert not report, report
