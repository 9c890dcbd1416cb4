"""The routing decision, as a pure function.

A rule matches when every condition it sets holds; conditions it leaves empty
match anything. Rules are tried in order and the first match wins. When no
rule matches, the caller sends the ticket to kundtjänst. A rule's language is the
citizen's (a code of CITIZEN_LANGUAGES, "fi"), compared as it is: the ticket's comes
from the same list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class RuleSpec:
    """What the engine needs to know of a routing rule."""

    id: int
    group_id: int
    channel: str | None = None
    category_id: int | None = None
    keywords: tuple[str, ...] = ()
    email_domain: str | None = None
    language: str | None = None
    priority: str | None = None


@dataclass(frozen=True)
class TicketFacts:
    """What the engine needs to know of a new ticket."""

    channel: str
    category_id: int | None
    subject: str
    description: str
    citizen_email: str | None = None
    language: str | None = None  # the citizen's; None: not known (no language rule matches)


def parse_keywords(text: str | None) -> tuple[str, ...]:
    """Split an admin's keyword list (commas or new lines) into lower-case phrases."""
    if not text:
        return ()
    parts = re.split(r"[,\n;]", text)
    return tuple(dict.fromkeys(p.strip().casefold() for p in parts if p.strip()))


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _contains_phrase(words: list[str], phrase: str) -> bool:
    """True when the phrase occurs as whole words ("grus" does not match "grusväg")."""
    target = _words(phrase)
    if not target:
        return False
    n = len(target)
    return any(words[i : i + n] == target for i in range(len(words) - n + 1))


def _domain_matches(email: str | None, domain: str) -> bool:
    if not email or "@" not in email:
        return False
    actual = email.rsplit("@", 1)[1].casefold().rstrip(".")
    wanted = domain.casefold().lstrip("@").rstrip(".")
    return actual == wanted or actual.endswith("." + wanted)


def matches(rule: RuleSpec, ticket: TicketFacts) -> bool:
    if rule.channel and rule.channel != ticket.channel:
        return False
    if rule.category_id is not None and rule.category_id != ticket.category_id:
        return False
    if rule.language and rule.language != ticket.language:
        return False
    if rule.keywords:
        words = _words(f"{ticket.subject}\n{ticket.description}")
        if not any(_contains_phrase(words, k) for k in rule.keywords):
            return False
    return not (rule.email_domain and not _domain_matches(ticket.citizen_email, rule.email_domain))


def first_match(rules: Iterable[RuleSpec], ticket: TicketFacts) -> RuleSpec | None:
    """The first rule, in the given order, that matches the ticket."""
    for rule in rules:
        if matches(rule, ticket):
            return rule
    return None
