"""The domain's words, one name per concept, used by models, services, statistics
and templates alike. Plain enums: no database, no Flask.

=================  =======================  ==========================================
English            Swedish                  here
=================  =======================  ==========================================
channel            kanal                    `Channel`
status             status                   `Status`
outcome            utfall                   `Outcome`
line (group kind)  kundtjänst / svarsgrupp  `GroupKind`: FRONTLINE is kundtjänst, the
                                            one way in; ANSWER is a department's
                                            svarsgrupp. A ticket's *stage* is the kind
                                            of group holding it, and `answered_by` the
                                            kind that resolved it.
timeline entry     händelse                 `EventKind`
=================  =======================  ==========================================

The values are what the database stores; a label for people is in ``labels.py``.
"""

from __future__ import annotations

import enum


class Channel(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"
    CHAT = "chat"
    VISIT = "visit"
    LETTER = "letter"

    @property
    def synchronous(self) -> bool:
        """The citizen is there now: a call, a chat or a visit."""
        return self in SYNCHRONOUS_CHANNELS


SYNCHRONOUS_CHANNELS = frozenset({Channel.PHONE, Channel.CHAT, Channel.VISIT})


class Status(enum.StrEnum):
    OPEN = "open"  # waiting for someone in its group
    CLAIMED = "claimed"  # a member has taken it
    WAITING = "waiting"  # replied to; waiting for the citizen
    RESOLVED = "resolved"


OPEN_STATUSES = (Status.OPEN, Status.CLAIMED, Status.WAITING)
# The same as SQL, "status IN ('open', 'claimed', 'waiting')": the predicate of the
# partial index over open tickets, which queries filtering on OPEN_STATUSES can use.
OPEN_CONDITION = "status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))


class Priority(enum.StrEnum):
    NORMAL = "normal"
    HIGH = "high"


class Outcome(enum.StrEnum):
    ANSWERED = "answered"  # besvarad
    FORWARDED = "forwarded"  # vidarebefordrad till formellt ärende
    REFERRED = "referred"  # hänvisad till annan myndighet
    WITHDRAWN = "withdrawn"  # avskrivet: excluded from every share


class GroupKind(enum.StrEnum):
    """The two lines of en väg in: kundtjänst, then a department's svarsgrupp."""

    FRONTLINE = "frontline"  # kundtjänst: the one way in
    ANSWER = "answer"  # a department's svarsgrupp


class EventKind(enum.StrEnum):
    CREATED = "created"
    ROUTED = "routed"
    NOTE = "note"
    REPLY = "reply"
    ESCALATED = "escalated"
    CLAIMED = "claimed"
    RELEASED = "released"
    TRANSFERRED = "transferred"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CITIZEN_MESSAGE = "citizen_message"
    REPEAT_CONTACT = "repeat_contact"  # a later contact was confirmed as a repeat of this one
    REPEAT_OF = "repeat_of"  # this contact was confirmed as a repeat of an earlier one
    SLA_BREACHED = "sla_breached"  # the stage's due time passed (recorded once by the SLA watch)
    UNCLAIMED_ALERT = "unclaimed_alert"  # the group was alerted: nobody has claimed it
    STATUS_LINK_REPLACED = "status_link_replaced"  # staff gave the citizen a new link
    SECRECY_LIFTED = "secrecy_lifted"  # a member lifted the secrecy, with the reason (staff only)
    AUTO_REPLY = "auto_reply"  # an automatic mail (out of office) came in: noted, nothing else
    MAIL_UNDELIVERABLE = "mail_undeliverable"  # a bounce said our mail did not arrive


# Entries made as a ticket arrives belong to its first version; every later entry
# raises the version and keeps the one it made (`tickets.timeline.record`).
ARRIVAL_KINDS = (EventKind.CREATED, EventKind.ROUTED)

# Entries the system adds by itself. They raise the version like any change, but a
# person's reply or decision written meanwhile is not refused because of them.
BOOKKEEPING = frozenset(
    {
        EventKind.SLA_BREACHED,
        EventKind.UNCLAIMED_ALERT,
        EventKind.AUTO_REPLY,
        EventKind.MAIL_UNDELIVERABLE,
    }
)

# What the citizen sees of the timeline on the status page.
PUBLIC_KINDS = frozenset({EventKind.CREATED, EventKind.REPLY, EventKind.CITIZEN_MESSAGE})
