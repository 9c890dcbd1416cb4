"""Answer templates' placeholders, filled from what is known, and the words of a
search made fit to keep. Pure: no Flask, no database.

A template says ``{namn}``, ``{ärendenummer}``, ``{handläggare}``, ``{kommun}`` or
``{statuslänk}``. `fill` replaces those it has values for and names the ones it
has not, so that the agent sees them before sending: a reply never goes out
saying ``{namn}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = ("namn", "ärendenummer", "handläggare", "kommun", "statuslänk")

# Any {word}: known ones are filled, unknown ones are left and reported too.
_PLACEHOLDER = re.compile(r"\{([^{}\s]{1,40})\}")


@dataclass(frozen=True)
class Filled:
    text: str
    missing: tuple[str, ...]  # placeholders left in the text, in order, each once

    @property
    def complete(self) -> bool:
        return not self.missing


def fill(template: str, values: dict[str, str | None]) -> Filled:
    """``template`` with every placeholder that has a non-empty value in ``values``
    replaced; the others stay as written and are listed in ``missing``."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name.lower())
        if value is not None and value.strip():
            return value.strip()
        if name not in missing:
            missing.append(name)
        return match.group(0)

    return Filled(_PLACEHOLDER.sub(replace, template), tuple(missing))


def unfilled(text: str) -> tuple[str, ...]:
    """The placeholders still in ``text`` (e.g. a reply about to be sent)."""
    return fill(text, {}).missing


def known_only(template: str) -> tuple[str, ...]:
    """Placeholders in ``template`` that are not one of `PLACEHOLDERS` (a typo)."""
    return tuple(name for name in unfilled(template) if name.lower() not in PLACEHOLDERS)


# --- search words --------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
MAX_TERMS = 200


def words(query: str, limit: int = 12) -> list[str]:
    """The words of a search, lower-cased, in order, each once; å, ä and ö are
    letters like any other."""
    seen: list[str] = []
    for word in _WORD.findall(query.casefold()):
        if word not in seen:
            seen.append(word)
        if len(seen) == limit:
            break
    return seen


def miss_terms(query: str) -> str:
    """What may be kept of a search that found nothing: its words, without any that
    could be personal data (anything with a digit — personnummer, phone numbers,
    addresses — and e-mail addresses), at most `MAX_TERMS` characters."""
    kept = [
        word
        for word in words(query.replace("@", " @"), limit=20)
        if not any(ch.isdigit() for ch in word) and "@" not in word
    ]
    # An e-mail address's parts: drop the words that were glued to an @.
    glued = {
        part.casefold() for token in query.split() if "@" in token for part in _WORD.findall(token)
    }
    text = " ".join(word for word in kept if word not in glued)
    return text[:MAX_TERMS].strip()
