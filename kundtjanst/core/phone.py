"""Phone numbers: one form to compare them by (E.164), one to show them in.

A citizen's number comes in many spellings — ``070-123 45 67``, ``+46 70 123 45 67``,
``0046701234567``, ``+46 (0)70-123 45 67`` — and all of them are the same person. The
phone system and the forms hand over what they have; `normalise` gives the E.164 form
(``+46701234567``) used to find a caller's earlier questions, or None when the text
names nobody: empty, withheld ("anonymous", "private", …), a short or service number
(112, 1177), a number that cannot exist, or junk. None matches nothing.

The parsing and the numbering plans are the `phonenumbers` library's (Google's
libphonenumber metadata, kept up to date with the world's plans).
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

DEFAULT_REGION = "SE"

# Longer than any spelling of a real number (E.164 is at most 15 digits).
MAX_TEXT = 40

# What phone systems send instead of a number the caller has withheld.
WITHHELD = frozenset(
    {
        "anonymous",
        "withheld",
        "unknown",
        "private",
        "restricted",
        "unavailable",
        "hidden",
        "blocked",
        "dolt",
        "dolt nummer",
        "hemligt",
        "hemligt nummer",
        "okänt",
        "okänt nummer",
    }
)

# Digits, a leading plus, and the separators people write between them.
_SPELLING = re.compile(r"^\+?[0-9 ()./\-]+$")
_URI_PREFIX = re.compile(r"^tel:", re.IGNORECASE)


def is_withheld(text: str | None) -> bool:
    """The phone system says the caller withheld the number (or sent none)."""
    if text is None:
        return True
    words = " ".join(text.split()).casefold()
    return not words or words in WITHHELD


def normalise(text: str | None, region: str = DEFAULT_REGION) -> str | None:
    """``text`` as E.164 (``+46701234567``), or None when it names nobody."""
    if not isinstance(text, str) or len(text) > MAX_TEXT or is_withheld(text):
        return None
    spelled = _URI_PREFIX.sub("", text.strip())
    if not _SPELLING.match(spelled) or sum(c.isdigit() for c in spelled) < 5:
        return None
    try:
        number = phonenumbers.parse(spelled, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def display(e164: str | None, region: str = DEFAULT_REGION) -> str:
    """An E.164 number as people in ``region`` write it: ``070-123 45 67`` at home,
    ``+47 22 12 34 56`` abroad; empty for None. Text that is no number is given back."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
