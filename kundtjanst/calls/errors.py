"""The error a call event is refused with."""

from __future__ import annotations


class CallError(ValueError):
    """An event that cannot be taken: ``message`` says why (shown as it is), ``field``
    names the part of the event at fault (``kind``, ``call_id``, ``agent_email`` …)."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
