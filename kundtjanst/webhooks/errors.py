"""The one exception the webhook services raise for input they refuse."""

from __future__ import annotations

from ..core.errors import InvalidChange


class WebhookError(InvalidChange):
    """A subscription that cannot be saved. The message is for people (a lazy text);
    ``field`` is "url", "events", "groups" or "scopes" when it is about one field."""
