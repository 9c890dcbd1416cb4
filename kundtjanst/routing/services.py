"""Routing: which group a new question goes to, and the administrators' changes to
the ordered rules (each flushes, none commits; a broken rule raises `InvalidChange`)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import locales
from ..audit import services as audit
from ..core.errors import InvalidChange
from ..core.routing import TicketFacts, first_match, parse_keywords
from ..core.vocabulary import Channel, Priority
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Category, Group
from .models import RoutingRule
from .queries import active_in_order, next_position, rules_in_order


def route(facts: TicketFacts) -> RoutingRule | None:
    """The first active routing rule matching a new question, or None (kundtjänst)."""
    rules = active_in_order()
    spec = first_match((r.spec() for r in rules), facts)
    if spec is None:
        return None
    return next(r for r in rules if r.id == spec.id)


@dataclass
class RuleData:
    name: str
    active: bool
    channel: Channel | None
    category: Category | None
    keywords: str | None
    email_domain: str | None
    group: Group
    priority: Priority | None
    language: str | None = None  # the citizen's (one of CITIZEN_LANGUAGES); None: any


RULE_FIELDS = (
    "name",
    "active",
    "position",
    "channel",
    "category_id",
    "keywords",
    "email_domain",
    "language",
    "group_id",
    "priority",
)


def save_rule(rule: RoutingRule | None, data: RuleData) -> RoutingRule:
    """Create a rule (last in order) or change one. A rule must set a condition:
    one without would send every question to its group."""
    keywords = ", ".join(parse_keywords(data.keywords)) or None
    if not (data.channel or data.category or keywords or data.email_domain or data.language):
        raise InvalidChange(
            _l(
                "Set at least one condition (channel, subject area, keywords, e-mail "
                "domain or language). A rule without conditions would catch every question."
            ),
            "channel",
        )
    unchanged = rule is not None and rule.group_id == data.group.id
    if not (data.group.active or unchanged):
        raise InvalidChange(_l("Choose an active group."), "group_id")
    kept = rule is not None and rule.language == data.language
    if data.language and not (data.language in locales.citizen_languages() or kept):
        raise InvalidChange(_l("Choose one of the options."), "language")
    before = audit.fields(rule, RULE_FIELDS) if rule else {}
    if rule is None:
        rule = RoutingRule(position=next_position())
        db.session.add(rule)
    rule.name = data.name
    rule.active = data.active
    rule.channel = data.channel.value if data.channel else None
    rule.category = data.category
    rule.keywords = keywords
    rule.email_domain = data.email_domain
    rule.language = data.language or None
    rule.group = data.group
    rule.priority = data.priority.value if data.priority else None
    db.session.flush()
    audit.record_change("rule", rule.id, before, audit.fields(rule, RULE_FIELDS))
    return rule


def move_rule(rule: RoutingRule, step: int) -> bool:
    """Move a rule one place earlier (-1) or later (+1); False if it is already at that end.
    Renumbers every rule 10, 20, 30 … so the order stays unambiguous."""
    rules = rules_in_order()
    index = rules.index(rule)
    target = index + step
    if not 0 <= target < len(rules):
        return False
    rules[index], rules[target] = rules[target], rules[index]
    for number, each in enumerate(rules, start=1):
        each.position = number * 10
    db.session.flush()
    audit.record(
        "rule.move",
        target=f"rule:{rule.id}",
        changes={"place": [index + 1, target + 1]},
        order=[each.id for each in rules],
    )
    return True


def delete_rule(rule: RoutingRule) -> None:
    audit.record_change("rule", rule.id, audit.fields(rule, RULE_FIELDS), {})
    db.session.delete(rule)
    db.session.flush()
