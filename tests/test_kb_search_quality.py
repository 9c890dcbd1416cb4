"""Search quality on a fixed Swedish test set (tests/data/kb_quality.json): 62
municipal articles with near neighbours ("Förskoleplats" and "Kulturskola",
"Parkeringstillstånd" and "Serveringstillstånd", "Får man elda" and "Får och
getter"), and 91 questions, each with the one article that answers it, in six
classes: exact words, compounds, inflections, misspellings (queries written
without å/ä/ö among them: those are letters, so "sophamtning" is a misspelling), å/ä/ö
words, two or three words ("när töms soptunnan"). Synonyms are not in it: the
search does not claim them.

Every question goes through `find_for_staff` (the public ones also through
`find_public`); the hit rates at rank 1 and 3 per class are printed and the overall
ones asserted. Both databases meet the same thresholds."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kundtjanst.auth.models import User
from kundtjanst.extensions import db
from kundtjanst.kb import search, services
from kundtjanst.kb.models import ArticleState, Visibility
from kundtjanst.kb.services import ArticleFields
from kundtjanst.org.models import Group

DATA = json.loads((Path(__file__).parent / "data" / "kb_quality.json").read_text("utf-8"))
CLASSES = ("exact", "compound", "inflection", "misspelling", "åäö", "two words")
# Both databases reach 99 % at rank 1 (90 of 91: "förskolekö" finds "Förskoleklass"
# before "Förskoleplats – ansökan och kötid") and 100 % at rank 3; the thresholds
# leave a small margin (five misses at rank 1, two at rank 3).
MIN_RANK_1 = 0.93
MIN_RANK_3 = 0.97
# No class may fall far behind the others (a class has 12–21 questions).
MIN_CLASS_RANK_3 = 0.85


@dataclass
class Rates:
    """Hit counts per class, and the questions whose article was not in the top three."""

    total: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    top3: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, kind: str, query: str, expected: str, found: list[str]) -> None:
        self.total[kind] = self.total.get(kind, 0) + 1
        self.first[kind] = self.first.get(kind, 0) + (found[:1] == [expected])
        self.top3[kind] = self.top3.get(kind, 0) + (expected in found[:3])
        if found[:1] != [expected]:
            self.misses.append(f"{kind}: {query!r} → {found[:3]} (expected {expected!r})")

    def rate(self, counts: dict[str, int], kind: str | None = None) -> float:
        kinds = [kind] if kind else list(self.total)
        return sum(counts.get(k, 0) for k in kinds) / sum(self.total[k] for k in kinds)

    def table(self, title: str) -> str:
        lines = [title, f"  {'class':<12} {'n':>3} {'rank 1':>7} {'rank 3':>7}"]
        for kind in [k for k in CLASSES if k in self.total]:
            lines.append(
                f"  {kind:<12} {self.total[kind]:>3} {self.rate(self.first, kind):>7.0%}"
                f" {self.rate(self.top3, kind):>7.0%}"
            )
        lines.append(
            f"  {'overall':<12} {sum(self.total.values()):>3} {self.rate(self.first):>7.0%}"
            f" {self.rate(self.top3):>7.0%}"
        )
        lines += [f"  not first: {miss}" for miss in self.misses]
        return "\n".join(lines)


def measure(questions: list[list[str]], find: Callable[[str], list[str]]) -> Rates:
    rates = Rates()
    for kind, query, expected in questions:
        rates.add(kind, query, expected, find(query))
    return rates


def load_corpus(org) -> dict[str, bool]:
    """The articles, published, through the service; their titles → public."""
    groups = {name: db.session.get(Group, getattr(org.groups, name)) for name in vars(org.groups)}
    public = {}
    for item in DATA["articles"]:
        services.create_article(
            None,
            ArticleFields(
                title=item["title"],
                summary=item["summary"],
                body=item["body"],
                group=groups[item["group"]],
                categories=[],
                visibility=Visibility.PUBLIC if item["public"] else Visibility.INTERNAL,
                state=ArticleState.PUBLISHED,
                for_frontline=False,
            ),
        )
        public[item["title"]] = item["public"]
    db.session.commit()
    return public


def report(capsys, text: str) -> None:
    with capsys.disabled():
        print(f"\n{text}")


def test_the_test_set_is_well_formed():
    titles = [a["title"] for a in DATA["articles"]]
    assert len(titles) == len(set(titles)) >= 40
    assert len(DATA["queries"]) >= 40
    assert {q[0] for q in DATA["queries"]} == set(CLASSES)
    assert all(len(q) == 3 and q[2] in titles for q in DATA["queries"])
    assert all(a["group"] in ("kundtjanst", "bygg", "miljo") for a in DATA["articles"])


def test_the_measure_counts_a_wrong_answer_as_a_miss():
    questions = [["exact", "a", "A"], ["exact", "b", "B"], ["compound", "c", "C"]]
    answers = {"a": ["A", "X"], "b": ["X", "Y", "B"], "c": ["X", "Y", "Z", "C"]}
    rates = measure(questions, answers.__getitem__)
    assert rates.rate(rates.first) == pytest.approx(1 / 3)
    assert rates.rate(rates.top3) == pytest.approx(2 / 3)
    assert rates.rate(rates.top3, "compound") == 0
    assert len(rates.misses) == 2


def test_search_quality_for_staff_and_citizens(app, org, capsys):
    with app.app_context():
        public = load_corpus(org)
        agent = db.session.get(User, org.users.agent)
        backend = db.session.get_bind().dialect.name

        def staff(q: str) -> list[str]:
            return [h.title for h in search.find_for_staff(agent, q, record=False)]

        def citizen(q: str) -> list[str]:
            return [h.title for h in search.find_public(q, record=False)]

        for_staff = measure(DATA["queries"], staff)
        for_public = measure([q for q in DATA["queries"] if public[q[2]]], citizen)
        report(capsys, for_staff.table(f"Search quality, staff ({backend})"))
        report(capsys, for_public.table(f"Search quality, public articles ({backend})"))

        for rates in (for_staff, for_public):
            assert rates.rate(rates.first) >= MIN_RANK_1, rates.misses
            assert rates.rate(rates.top3) >= MIN_RANK_3, rates.misses
            for kind in CLASSES:
                assert rates.rate(rates.top3, kind) >= MIN_CLASS_RANK_3, (kind, rates.misses)
