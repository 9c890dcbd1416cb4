"""The first-contact rule: was the citizen answered within the contact they made?

This is the figure managers steer by, so it lives in one pure function with no
database or Flask in sight. It reads only a ticket's channel and timeline.

A ticket counts as **answered at first contact** when all of these hold:

1. it is resolved, and its outcome is *answered* or *referred* (a referral is
   the right answer: where to go). *Forwarded* to a formal case never counts;
   *withdrawn* tickets are outside every share (the caller excludes them);
2. it was never reopened;
3. the citizen never had to come back: no citizen message after the first;
4. no later contact from the same citizen was confirmed as a repeat of it;
5. synchronous channel (phone, chat, visit): the answer was given during the
   contact itself — by the agent directly, or by a svarsgrupp member the
   contact was passed to live. The resolution records this as
   ``during_contact``;
6. asynchronous channel (e-mail, web form, letter): exactly one reply was sent
   to the citizen — the first reply answered it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .vocabulary import Channel, EventKind, Outcome

COUNTS_AS_ANSWERED = frozenset({Outcome.ANSWERED, Outcome.REFERRED})


@dataclass(frozen=True)
class Entry:
    """One timeline entry, as the rule sees it."""

    kind: EventKind
    data: Mapping[str, Any] = field(default_factory=dict)


def is_first_contact(channel: Channel, timeline: Iterable[Entry]) -> bool:
    """Apply the first-contact rule (see the module docstring) to a timeline in order."""
    resolution: Entry | None = None
    replies = 0
    for entry in timeline:
        if entry.kind in (EventKind.REOPENED, EventKind.CITIZEN_MESSAGE, EventKind.REPEAT_CONTACT):
            return False
        if entry.kind == EventKind.REPLY:
            replies += 1
        elif entry.kind == EventKind.RESOLVED:
            resolution = entry

    if resolution is None:
        return False
    outcome = resolution.data.get("outcome")
    if outcome not in COUNTS_AS_ANSWERED:
        return False
    if Channel(channel).synchronous:
        return bool(resolution.data.get("during_contact"))
    return replies == 1
