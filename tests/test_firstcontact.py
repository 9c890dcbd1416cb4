"""One test per case of the first-contact rule (kundtjanst/tickets/firstcontact.py)."""

import pytest

from kundtjanst.core.firstcontact import Entry, is_first_contact
from kundtjanst.core.vocabulary import Channel, EventKind

CREATED = Entry(EventKind.CREATED)
REPLY = Entry(EventKind.REPLY)
ESCALATED = Entry(EventKind.ESCALATED)
CLAIMED = Entry(EventKind.CLAIMED)
NOTE = Entry(EventKind.NOTE)


def resolved(outcome="answered", during_contact=False):
    return Entry(EventKind.RESOLVED, {"outcome": outcome, "during_contact": during_contact})


@pytest.mark.parametrize("channel", [Channel.PHONE, Channel.CHAT, Channel.VISIT])
def test_synchronous_answered_during_the_contact_counts(channel):
    assert is_first_contact(channel, [CREATED, resolved(during_contact=True)])


def test_synchronous_passed_live_to_a_svarsgrupp_member_counts():
    timeline = [CREATED, ESCALATED, CLAIMED, resolved(during_contact=True)]
    assert is_first_contact(Channel.PHONE, timeline)


def test_synchronous_answered_later_by_call_back_does_not_count():
    timeline = [CREATED, ESCALATED, CLAIMED, resolved(during_contact=False)]
    assert not is_first_contact(Channel.PHONE, timeline)


@pytest.mark.parametrize("channel", [Channel.EMAIL, Channel.WEB, Channel.LETTER])
def test_asynchronous_exactly_one_reply_counts(channel):
    assert is_first_contact(channel, [CREATED, REPLY, resolved()])


def test_asynchronous_answered_after_escalation_with_one_reply_counts():
    timeline = [CREATED, ESCALATED, CLAIMED, NOTE, REPLY, resolved()]
    assert is_first_contact(Channel.WEB, timeline)


def test_asynchronous_two_replies_do_not_count():
    assert not is_first_contact(Channel.EMAIL, [CREATED, REPLY, REPLY, resolved()])


def test_asynchronous_without_any_reply_does_not_count():
    assert not is_first_contact(Channel.EMAIL, [CREATED, resolved()])


def test_asynchronous_ignores_during_contact_flag():
    assert not is_first_contact(Channel.WEB, [CREATED, resolved(during_contact=True)])


def test_a_further_citizen_message_does_not_count():
    timeline = [CREATED, REPLY, Entry(EventKind.CITIZEN_MESSAGE), resolved()]
    assert not is_first_contact(Channel.EMAIL, timeline)
    sync = [CREATED, Entry(EventKind.CITIZEN_MESSAGE), resolved(during_contact=True)]
    assert not is_first_contact(Channel.PHONE, sync)


def test_reopened_is_never_first_contact():
    timeline = [CREATED, REPLY, resolved(), Entry(EventKind.REOPENED), resolved()]
    assert not is_first_contact(Channel.EMAIL, timeline)
    sync = [CREATED, resolved(during_contact=True), Entry(EventKind.REOPENED)]
    assert not is_first_contact(Channel.PHONE, [*sync, resolved(during_contact=True)])


def test_confirmed_repeat_contact_is_not_first_contact():
    timeline = [CREATED, resolved(during_contact=True), Entry(EventKind.REPEAT_CONTACT)]
    assert not is_first_contact(Channel.PHONE, timeline)


def test_referred_counts_as_answered():
    assert is_first_contact(Channel.PHONE, [CREATED, resolved("referred", during_contact=True)])
    assert is_first_contact(Channel.WEB, [CREATED, REPLY, resolved("referred")])


@pytest.mark.parametrize("outcome", ["forwarded", "withdrawn"])
def test_forwarded_and_withdrawn_never_count(outcome):
    assert not is_first_contact(Channel.PHONE, [CREATED, resolved(outcome, during_contact=True)])
    assert not is_first_contact(Channel.WEB, [CREATED, REPLY, resolved(outcome)])


def test_unresolved_ticket_is_not_first_contact():
    assert not is_first_contact(Channel.EMAIL, [CREATED, REPLY])


def test_accepts_plain_strings_as_stored_in_json():
    timeline = [
        Entry("created"),
        Entry("resolved", {"outcome": "answered", "during_contact": True}),
    ]
    assert is_first_contact("phone", timeline)
