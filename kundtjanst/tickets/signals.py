"""What tickets tell the rest of the application, without knowing who listens.

``first_contact_changed`` is sent when a resolved ticket's figures on the day it was
resolved change after the fact: it was reopened, or a later contact was confirmed as
a repeat of it. The statistics subscribe (`stats.services`) and rebuild that day's
rows in the same transaction, so tickets never import statistics.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# sender: the ticket; keyword ``resolved_at``: when it was (or had been) resolved.
first_contact_changed = _signals.signal("first-contact-changed")
