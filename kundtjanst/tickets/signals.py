"""What tickets tell the rest of the application, without knowing who listens.

``first_contact_changed`` is sent when a resolved ticket's figures on the day it was
resolved change after the fact: it was reopened, or a later contact was confirmed as
a repeat of it. The statistics subscribe (`stats.services`) and rebuild that day's
rows in the same transaction, so tickets never import statistics.

``question_received`` and ``answered`` are what the citizen is told by e-mail
(`citizenmail`): a new question with its status link, a public reply or the closing.
Subscribers write to the same session, so the mail is committed with its cause.

``event_recorded`` is sent for every entry added to a timeline (`timeline.record`),
as it is added: the ticket's other columns may still change before the commit (a
resolution records first, then sets the status). Webhooks (`webhooks.events`) note
the entry in the session and build their deliveries just before the commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the ticket; keyword ``resolved_at``: when it was (or had been) resolved.
first_contact_changed = _signals.signal("first-contact-changed")

# sender: the new ticket; keyword ``status_token``: its status link's token (shown
# only now; only its hash is stored).
question_received = _signals.signal("question-received")

# sender: the ticket; keywords ``body`` (the text the citizen is sent, may be None
# on a closing without a reply) and ``closing`` (True when the ticket was resolved).
answered = _signals.signal("answered")

# sender: the ticket; keyword ``event``: the timeline entry just added (an `Event`,
# in the session, not yet flushed).
event_recorded = _signals.signal("event-recorded")
