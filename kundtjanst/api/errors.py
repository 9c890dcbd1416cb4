"""What the API's services raise when asked for something they cannot do."""

from __future__ import annotations


class ApiError(Exception):
    """A refusal with a message for the integrator (a lazy, translated text), the
    field it is about when there is one, and the HTTP status it answers with."""

    def __init__(self, message, *, field: str | None = None, status: int = 422) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.status = status
