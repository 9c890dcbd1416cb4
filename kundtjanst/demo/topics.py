"""What Sjöstad's residents ask about, and the texts their tickets are written with.

The data is in ``data/topics.toml`` (what each field means is said there); this
module reads it once, on import, into `Topic` and `Q` values and the tuples,
sets and mappings the generator draws from. Placeholders in braces (``{gata}``,
``{omrade}`` …) are filled from `SLOTS` by the generator.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple


class Q(NamedTuple):
    """A question as the citizen put it, and the answer it usually gets."""

    subject: str
    description: str
    answer: str


@dataclass(frozen=True)
class Topic:
    weight: float
    questions: tuple[Q, ...]
    board: str  # the nämnd whose diarium a forwarded case lands in
    season: tuple[float, ...] = (1.0,) * 12
    kt_rate: float = 0.75  # kundtjänst answers it itself
    forward: float = 0.08  # svarsgrupp forwards it to a formal case
    refer: float = 0.02  # referred to another authority
    refer_to: tuple[str, ...] = ()


def _questions(rows: list[dict[str, str]]) -> tuple[Q, ...]:
    return tuple(Q(**row) for row in rows)


def _topic(spec: dict[str, Any]) -> Topic:
    """A ``[topics.KEY]`` table: its questions as `Q` values, its other lists as tuples."""
    fields = dict(spec)
    questions = _questions(fields.pop("questions"))
    return Topic(
        questions=questions,
        **{key: tuple(v) if isinstance(v, list) else v for key, v in fields.items()},
    )


_DATA = tomllib.loads((Path(__file__).parent / "data" / "topics.toml").read_text("utf-8"))
_TIMELINE = _DATA["timeline"]
_CITIZENS = _DATA["citizens"]

SLOTS: dict[str, tuple[str, ...]] = {key: tuple(v) for key, v in _DATA["slots"].items()}
TOPICS: dict[str, Topic] = {key: _topic(spec) for key, spec in _DATA["topics"].items()}

CONCERNS = _questions(_DATA["concerns"]["questions"])
CONCERN_TOPICS = frozenset(_DATA["concerns"]["topics"])
HOUSING_TOPICS = frozenset(_DATA["housing_company"]["topics"])

REFER_DEFAULT = tuple(_DATA["referral"]["default"])
REFER_REPLY: str = _DATA["referral"]["reply"]
FORWARD_REPLY: str = _DATA["forwarding"]["reply"]
FORWARD_REPLY_NO_DNR: str = _DATA["forwarding"]["reply_no_dnr"]
BOARDS: dict[str, str] = _DATA["boards"]

CLARIFY = tuple((row["ask"], row["reply"]) for row in _TIMELINE["clarify"])
COME_BACK = tuple(_TIMELINE["come_back"])
ANSWER_AGAIN = tuple(_TIMELINE["answer_again"])
ESCALATION_NOTES = tuple(_TIMELINE["escalation_notes"])
CALL_ESCALATION_NOTES = (*ESCALATION_NOTES, *_TIMELINE["call_escalation_notes"])
LIVE_NOTES = tuple(_TIMELINE["live_notes"])
CALLBACK_NOTES = tuple(_TIMELINE["callback_notes"])
WORK_NOTES = tuple(_TIMELINE["work_notes"])
TRANSFER_NOTES = tuple(_TIMELINE["transfer_notes"])
RELEASE_NOTES = tuple(_TIMELINE["release_notes"])
WITHDRAWN_NOTES = {kind: tuple(v) for kind, v in _TIMELINE["withdrawn_notes"].items()}
REOPEN_REASONS = tuple(_TIMELINE["reopen_reasons"])

FIRST_NAMES = tuple(_CITIZENS["first_names"])
LAST_NAMES = tuple(_CITIZENS["last_names"])
CITIZEN_DOMAINS = tuple(_CITIZENS["email_domains"])
PHONE_SERIES = tuple(_CITIZENS["phone_series"])
