"""What looks like personal data in a text meant for many readers (a knowledge
article): a personnummer or samordningsnummer, an e-mail address, a phone number.
Pure: no Flask, no database.

It is a warning, not a proof: the municipality's own addresses and numbers are
fine in an article, and are passed in ``allowed``."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERSONNUMMER = "personnummer"
EMAIL = "email"
PHONE = "phone"

# YYMMDD or YYYYMMDD, a separator or none, four digits. Day + 60 is a samordningsnummer.
_PERSONNUMMER = re.compile(
    r"(?<![\d-])(?:(?:19|20)\d{2}|\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"[-+ ]?(\d{4})(?![\d-])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Swedish numbers: 0 or +46/0046, then 7-10 more digits in groups.
_PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[ -]?\(?\d{1,3}\)?(?:[ -]?\d){5,8}(?!\d)")


@dataclass(frozen=True)
class Finding:
    kind: str  # PERSONNUMMER, EMAIL or PHONE
    text: str  # what was found, as written


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def findings(text: str, allowed: tuple[str, ...] = ()) -> list[Finding]:
    """What in ``text`` looks like personal data, in order, each once; anything equal to
    one of ``allowed`` (compared case-insensitively, phone numbers by their digits)
    is not reported."""
    allowed_text = {a.strip().casefold() for a in allowed if a and a.strip()}
    allowed_digits = {_digits(a) for a in allowed if a and len(_digits(a)) >= 6}
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str]) -> None:
        span = match.span()
        if any(start < span[1] and span[0] < end for start, end in taken):
            return
        taken.append(span)
        finding = Finding(kind, match.group(0))
        if finding not in found:
            found.append(finding)

    for match in _PERSONNUMMER.finditer(text):
        if _luhn(_digits(match.group(0))[-10:]):
            add(PERSONNUMMER, match)
    for match in _EMAIL.finditer(text):
        if match.group(0).casefold() not in allowed_text:
            add(EMAIL, match)
    for match in _PHONE.finditer(text):
        digits = _digits(match.group(0))
        if digits.startswith("46"):
            digits = "0" + digits[2:]
        elif digits.startswith("0046"):
            digits = "0" + digits[4:]
        if digits not in allowed_digits:
            add(PHONE, match)
    return sorted(found, key=lambda f: text.find(f.text))
