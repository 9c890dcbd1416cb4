"""Self-service answers on the dashboard: their own figure (checked against a count
of the rows), a key of their own in /statistik.json, and never a change to any
first-contact figure or any other key."""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from kundtjanst.auth.models import User
from kundtjanst.core.timeutil import local
from kundtjanst.extensions import db
from kundtjanst.kb import services
from kundtjanst.kb.models import ArticleState, SelfServiceAnswer, Visibility
from kundtjanst.org.models import Category, Group
from kundtjanst.stats.figures import clear_cache

from .stats_data import Clock, populate
from .test_stats import DAYS, TODAY, local_moment

FIRST, LAST = DAYS[0], TODAY
PERIOD = f"period=custom&from={FIRST}&to={LAST}"


@pytest.fixture
def world(app, org, monkeypatch):
    """test_stats's tickets, and one public article per subject area."""
    clear_cache()
    with app.app_context():
        clock = Clock(monkeypatch, local_moment(DAYS[0], 0))
        moments = [local_moment(d, h, 45) for d in (DAYS[0], DAYS[3], TODAY) for h in (8, 13)]
        populate(org, clock, moments)
        clock.set(local_moment(TODAY, 16))
        articles = {}
        for name in ("avfall", "bygglov"):
            category = db.session.get(Category, getattr(org.categories, name))
            made = services.create_article(
                db.session.get(User, org.users.other),
                services.ArticleFields(
                    title=f"Svar om {name}",
                    summary="Ett svar.",
                    body="",
                    group=db.session.get(Group, org.groups.miljo),
                    categories=[category],
                    visibility=Visibility.PUBLIC,
                    state=ArticleState.PUBLISHED,
                ),
            )
            articles[name] = made
        db.session.commit()
        return {name: a.id for name, a in articles.items()}


def record(app, org, world, answers) -> None:
    """Self-service answers at given moments: (subject area, moment)."""
    from kundtjanst.kb.models import Article

    with app.app_context():
        for name, moment in answers:
            made = services.record_self_service(
                db.session.get(Article, world[name]), getattr(org.categories, name)
            )
            made.answered_at = moment
        db.session.commit()
    clear_cache()


ANSWERS = [
    ("avfall", local_moment(DAYS[0], 0, 5)),  # the period's first minutes
    ("avfall", local_moment(DAYS[1], 12)),
    ("avfall", local_moment(DAYS[4], 2, 30, fold=1)),  # the second 02:30 of 25 October
    ("bygglov", local_moment(TODAY, 9)),
    ("bygglov", local_moment(TODAY, 23, 59)),
    ("avfall", local_moment(DAYS[0], 0) - timedelta(minutes=1)),  # the day before
    ("bygglov", local_moment(TODAY, 0) + timedelta(days=1)),  # the day after
]


def independent_count(first, last) -> Counter:
    """Counted from the rows, in Python: each answer's Stockholm date in the period."""
    rows = db.session.scalars(select(SelfServiceAnswer)).all()
    return Counter(r.category_id for r in rows if first <= local(r.answered_at).date() <= last)


def test_dashboard_and_json_count_self_service_answers(app, org, world, login_as):
    record(app, org, world, ANSWERS)
    with app.app_context():
        expected = independent_count(FIRST, LAST)
    assert sum(expected.values()) == 5  # the two outside the period are not counted
    client = login_as("manager")
    body = client.get(f"/statistik.json?{PERIOD}").get_json()
    assert body["self_service"] == {
        "total": 5,
        "by_category": {str(k): v for k, v in expected.items()},
    }
    html = client.get(f"/statistik?{PERIOD}").get_data(as_text=True)
    assert re.search(r'id="self-service-total">5</strong>', html)
    table = html[html.index('id="self-service"') :]
    assert re.search(r"<th scope=\"row\">Avfall</th><td class=\"num\">3</td>", table)
    assert re.search(r"<th scope=\"row\">Bygglov</th><td class=\"num\">2</td>", table)


def test_filters_of_the_dashboard(app, org, world, login_as):
    record(app, org, world, ANSWERS)
    client = login_as("manager")

    def total(query):
        return client.get(f"/statistik.json?{PERIOD}&{query}").get_json()["self_service"]

    assert total(f"category={org.categories.bygglov}")["total"] == 2
    assert total("channel=web")["total"] == 5
    assert total("channel=phone") == {"total": 0, "by_category": {}}
    one_day = client.get(f"/statistik.json?period=custom&from={TODAY}&to={TODAY}").get_json()
    assert one_day["self_service"]["total"] == 2


def without_self_service(html: str) -> str:
    """The page but for the self-service section (and the CSRF tokens, signed with the
    second they were made in)."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return re.sub(
        r'<section aria-labelledby="self-service-title">.*?</section>', "", html, flags=re.S
    )


@pytest.mark.parametrize("query", ["", "channel=web", "category={avfall}", "period=year"])
def test_self_service_leaves_every_other_figure_unchanged(app, org, world, login_as, query):
    client = login_as("manager")
    url = f"?{PERIOD}&{query.format(avfall=org.categories.avfall)}"
    json_before = client.get(f"/statistik.json{url}").get_json()
    html_before = client.get(f"/statistik{url}").get_data(as_text=True)
    assert json_before["first_contact"]["denominator"] > 0  # there are figures to change
    record(app, org, world, ANSWERS * 3)
    json_after = client.get(f"/statistik.json{url}").get_json()
    html_after = client.get(f"/statistik{url}").get_data(as_text=True)
    assert json_after["self_service"]["total"] > 0
    assert json_before.pop("self_service")["total"] == 0
    json_after.pop("self_service")
    assert json_after == json_before
    import difflib

    a, b = without_self_service(html_before), without_self_service(html_after)
    assert a == b, "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm=""))
    assert html_after != html_before
