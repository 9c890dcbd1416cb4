"""Translated, human labels for the domain's enums (English msgids, Swedish UI)."""

from .auth.models import Role
from .core.vocabulary import Channel, EventKind, GroupKind, Outcome, Priority, Status
from .lazytext import lazy_gettext as _l
from .mail import models as mail

CHANNEL = {
    Channel.PHONE: _l("Phone"),
    Channel.EMAIL: _l("E-mail"),
    Channel.WEB: _l("Web form"),
    Channel.CHAT: _l("Chat"),
    Channel.VISIT: _l("Visit"),
    Channel.LETTER: _l("Letter"),
}

STATUS = {
    Status.OPEN: _l("Open"),
    Status.CLAIMED: _l("In progress"),
    Status.WAITING: _l("Waiting for citizen"),
    Status.RESOLVED: _l("Closed"),
}

# What the citizen reads on the status page.
CITIZEN_STATUS = {
    Status.OPEN: _l("Received – we are working on your question"),
    Status.CLAIMED: _l("Being handled"),
    Status.WAITING: _l("Answered – you can reply below"),
    Status.RESOLVED: _l("Closed"),
}

PRIORITY = {Priority.NORMAL: _l("Normal"), Priority.HIGH: _l("High")}

OUTCOME = {
    Outcome.ANSWERED: _l("Answered"),
    Outcome.FORWARDED: _l("Forwarded to a formal case"),
    Outcome.REFERRED: _l("Referred to another authority"),
    Outcome.WITHDRAWN: _l("Withdrawn"),
}


ROLE = {Role.STAFF: _l("Staff"), Role.MANAGER: _l("Manager"), Role.ADMIN: _l("Administrator")}

GROUP_KIND = {GroupKind.FRONTLINE: _l("Customer service"), GroupKind.ANSWER: _l("Answer group")}

EVENT = {
    EventKind.CREATED: _l("Created"),
    EventKind.ROUTED: _l("Routed"),
    EventKind.NOTE: _l("Internal note"),
    EventKind.REPLY: _l("Reply to citizen"),
    EventKind.ESCALATED: _l("Sent to answer group"),
    EventKind.CLAIMED: _l("Claimed"),
    EventKind.RELEASED: _l("Released"),
    EventKind.TRANSFERRED: _l("Transferred"),
    EventKind.RESOLVED: _l("Closed"),
    EventKind.REOPENED: _l("Reopened"),
    EventKind.CITIZEN_MESSAGE: _l("Message from citizen"),
    EventKind.REPEAT_CONTACT: _l("Repeat contact"),
    EventKind.REPEAT_OF: _l("Repeat of an earlier contact"),
    EventKind.SLA_BREACHED: _l("Past due time"),
    EventKind.UNCLAIMED_ALERT: _l("Group alerted: not claimed"),
    EventKind.STATUS_LINK_REPLACED: _l("New status link"),
    EventKind.SECRECY_LIFTED: _l("Secrecy lifted"),
    EventKind.AUTO_REPLY: _l("Automatic reply from citizen"),
    EventKind.MAIL_UNDELIVERABLE: _l("E-mail could not be delivered"),
}

MAIL_KIND = {
    mail.NOTICE: _l("Notice to a group"),
    mail.RECEIPT: _l("Receipt"),
    mail.REPLY: _l("Reply"),
    mail.CLOSING: _l("Closing answer"),
}

MAIL_STATUS = {
    mail.PENDING: _l("Waiting to be sent"),
    mail.SENDING: _l("Being sent"),
    mail.SENT: _l("Sent"),
    mail.FAILED: _l("Could not be sent"),
    mail.UNSENT: _l("Not sent: no mail server"),
}

# Incoming e-mail (kundtjanst/inbound/models.py): what became of a mail, and why one
# waits in the quarantine.
INBOUND_STATUS = {
    "processing": _l("Being read"),
    "ticket": _l("New ticket"),
    "threaded": _l("Message on a ticket"),
    "auto_reply": _l("Automatic reply noted"),
    "bounce": _l("Bounce recorded"),
    "report": _l("Delivery report"),
    "quarantined": _l("In quarantine"),
    "discarded": _l("Discarded"),
}

QUARANTINE_REASON = {
    "unparseable": _l("Could not be read as an e-mail"),
    "failed": _l("An error while reading it"),
    "sender_limit": _l("Too many new tickets from the sender today"),
    "our_own": _l("Our own e-mail came back"),
    "unknown_bounce": _l("A bounce about an e-mail we did not send"),
}
