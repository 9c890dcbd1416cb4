"""The one exception the services raise for a change that breaks a domain rule."""

from __future__ import annotations


class InvalidChange(ValueError):
    """A change that breaks a domain rule (a name already taken, a group that must
    stay). The message is for people, shown as it is; ``field`` names the form field
    it is about, when there is one."""

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
