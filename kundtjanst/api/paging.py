"""The list's cursor: opaque to integrators, the last id of a page to us."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from ..forms import MAX_ID


@dataclass(frozen=True)
class Cursor:
    after: int

    def encode(self) -> str:
        raw = json.dumps({"after": self.after}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """None for anything that is not a cursor this API gave out."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            after = json.loads(raw)["after"]
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            return None
        if type(after) is not int or not 0 <= after <= MAX_ID:
            return None
        return cls(after)
