"""The pure routing decision (kundtjanst/routing/engine.py)."""

from kundtjanst.core.routing import RuleSpec, TicketFacts, first_match, matches, parse_keywords


def facts(**kw):
    base = {
        "channel": "web",
        "category_id": 1,
        "subject": "Grus på cykelbanan",
        "description": "Det ligger mycket grus kvar efter vintern.",
        "citizen_email": "elev@skola.sjostad.se",
    }
    base.update(kw)
    return TicketFacts(**base)


def test_rule_without_conditions_matches_anything():
    assert matches(RuleSpec(id=1, group_id=9), facts())


def test_each_condition_must_hold():
    assert matches(RuleSpec(id=1, group_id=9, channel="web", category_id=1), facts())
    assert not matches(RuleSpec(id=1, group_id=9, channel="phone", category_id=1), facts())
    assert not matches(RuleSpec(id=1, group_id=9, channel="web", category_id=2), facts())


def test_keywords_match_whole_words_case_insensitively():
    assert matches(RuleSpec(id=1, group_id=9, keywords=("GRUS",)), facts())
    assert not matches(RuleSpec(id=1, group_id=9, keywords=("gru",)), facts())
    assert matches(RuleSpec(id=1, group_id=9, keywords=("efter vintern",)), facts())
    assert not matches(RuleSpec(id=1, group_id=9, keywords=("vintern efter",)), facts())


def test_any_keyword_suffices():
    assert matches(RuleSpec(id=1, group_id=9, keywords=("snö", "grus")), facts())


def test_email_domain_matches_domain_and_subdomains():
    assert matches(RuleSpec(id=1, group_id=9, email_domain="sjostad.se"), facts())
    assert matches(RuleSpec(id=1, group_id=9, email_domain="@skola.sjostad.se"), facts())
    assert not matches(RuleSpec(id=1, group_id=9, email_domain="stad.se"), facts())
    assert not matches(
        RuleSpec(id=1, group_id=9, email_domain="sjostad.se"), facts(citizen_email=None)
    )


def test_first_match_wins_in_order():
    rules = [
        RuleSpec(id=1, group_id=10, channel="phone"),
        RuleSpec(id=2, group_id=20, keywords=("grus",)),
        RuleSpec(id=3, group_id=30, category_id=1),
    ]
    assert first_match(rules, facts()).id == 2
    assert first_match(rules, facts(subject="Lampa", description="trasig")).id == 3
    assert first_match(rules, facts(subject="x", description="y", category_id=None)) is None


def test_parse_keywords_splits_and_deduplicates():
    assert parse_keywords("Grus, snö\nSNÖ; halka ,") == ("grus", "snö", "halka")
    assert parse_keywords("") == ()
    assert parse_keywords(None) == ()
