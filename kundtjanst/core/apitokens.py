"""API tokens and their scopes, without a database.

A token reads ``evin_`` + 32 random letters and digits + a 6-character checksum
(CRC-32 of the random part, in the same alphabet). The prefix lets secret scanners
recognise a leaked En väg in token (pattern ``evin_[0-9A-Za-z]{38}``) and the
checksum lets them, and us, tell a real one from a typo without a lookup. Only the
SHA-256 of a token is stored: the token has 190 random bits, so a fast hash is safe.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import zlib
from collections.abc import Iterable

PREFIX = "evin_"
ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
RANDOM_LENGTH = 32
CHECK_LENGTH = 6
PATTERN = rf"{PREFIX}[0-9A-Za-z]{{{RANDOM_LENGTH + CHECK_LENGTH}}}"

# What a token may do. A confidential group's tickets need besides
# ``confidential:<group slug>`` and a token that belongs to a member of that group.
SCOPES = (
    "tickets:read",  # tickets, their public timeline, subject areas and groups
    "tickets:internal",  # with tickets:read: the internal timeline (notes, hand-offs)
    "tickets:write",  # create tickets, add messages and notes, escalate, resolve
    "stats:read",  # the statistics, as /statistik.json
    "kb:read",  # the public knowledge articles
    "calls:write",  # call events from the phone system
    "webhooks:manage",  # webhook subscriptions
)
CONFIDENTIAL = "confidential:"


def _encode(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def _checksum(random_part: str) -> str:
    return _encode(zlib.crc32(random_part.encode()), CHECK_LENGTH)


def new_token() -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return PREFIX + random_part + _checksum(random_part)


def well_formed(token: str) -> bool:
    """The prefix, the length, the alphabet and the checksum are right."""
    if not token.startswith(PREFIX) or len(token) != len(PREFIX) + RANDOM_LENGTH + CHECK_LENGTH:
        return False
    body = token[len(PREFIX) :]
    if any(c not in ALPHABET for c in body):
        return False
    return secrets.compare_digest(_checksum(body[:RANDOM_LENGTH]), body[RANDOM_LENGTH:])


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hint(token: str) -> str:
    """What lists show of a token: the prefix and the first four random characters."""
    return token[: len(PREFIX) + 4] + "…"


def confidential_scope(slug: str) -> str:
    return CONFIDENTIAL + slug


def confidential_slugs(scopes: Iterable[str]) -> set[str]:
    return {s[len(CONFIDENTIAL) :] for s in scopes if s.startswith(CONFIDENTIAL)}


def unknown_scopes(scopes: Iterable[str], group_slugs: Iterable[str]) -> list[str]:
    """The scopes that name nothing: not a scope above, nor a confidential group's."""
    known = set(SCOPES) | {confidential_scope(slug) for slug in group_slugs}
    return [s for s in scopes if s not in known]
