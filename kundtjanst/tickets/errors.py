"""The error an operation on a ticket raises when the ticket's state does not allow it."""

from __future__ import annotations


class TicketError(Exception):
    """An operation the ticket's current state does not allow; its message is shown to
    the user as it is, and nothing is saved."""
