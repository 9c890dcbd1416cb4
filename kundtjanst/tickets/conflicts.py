"""No lost updates: what a person is told when their ticket form was not saved.

Every action form on the ticket page carries the ticket version it was shown with
(`forms.TicketActionForm`). Every change raises the version, also one that only
adds to the timeline (`timeline.record`), and each timeline entry keeps the
version it made. A form filled in on an older version is refused (409) and the
page lists the entries added since then; the form keeps what was written, now
carrying the current version, so sending it again goes through.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Event


def event_version(entry: Event) -> int:
    """The ticket version a timeline entry made (0 for entries from before versions)."""
    value = (entry.data or {}).get("version")
    return value if isinstance(value, int) else 0


@dataclass
class Refusal:
    """Why nothing was saved, for the notice at the top of the ticket page."""

    # The form said no version at all (a page from before versions, or a made-up post).
    missing: bool = False
    # Timeline entries added since the version the form was filled in on.
    entries: list[Event] = field(default_factory=list)
    # What the person wrote, (label, text), when the form it was in is no longer shown.
    unsaved: list[tuple[str, str]] = field(default_factory=list)


def entries_since(events: list[Event], seen: int | None) -> list[Event]:
    """The entries that made a version newer than ``seen``, oldest first.

    Entries from before versions were recorded on the timeline carry none and are
    never new; neither is anything when the form said no version.
    """
    if seen is None:
        return []
    return [e for e in events if event_version(e) > seen]
