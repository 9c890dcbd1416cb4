"""Administrator settings kept in the database (targets, windows, limits).

Each setting is defined once, with its default and bounds, by `define`; code
reads it with `get(key)`. A value is stored only when an administrator has
changed it, so new settings need no data migration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_app_context
from sqlalchemy import select

from ..audit import services as audit
from ..core.timeutil import utcnow
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from .models import Setting


@dataclass(frozen=True)
class Definition:
    key: str
    default: int
    label: Any
    help: Any
    minimum: int
    maximum: int
    unit: Any = ""


REGISTRY: dict[str, Definition] = {}


def define(key: str, default: int, label, help, minimum: int, maximum: int, unit="") -> Definition:
    definition = Definition(key, default, label, help, minimum, maximum, unit)
    REGISTRY[key] = definition
    return definition


FIRST_CONTACT_TARGET = define(
    "first_contact_target",
    70,
    _l("Target for answered at first contact"),
    _l("The share of questions that should be answered at first contact."),
    1,
    100,
    "%",
)
REPEAT_CONTACT_WINDOW = define(
    "repeat_contact_window_days",
    7,
    _l("Repeat-contact window"),
    _l(
        "A new contact from the same citizen about the same subject within this many days "
        "is suggested as a repeat contact."
    ),
    1,
    90,
    _l("days"),
)


def _cache() -> dict[str, Any]:
    if "settings_cache" not in g:
        g.settings_cache = {row.key: row.value for row in db.session.scalars(select(Setting))}
    return g.settings_cache


def get(key: str) -> int:
    """The current value of a setting (its default when never changed)."""
    definition = REGISTRY[key]
    values = _cache() if has_app_context() else {}
    value = values.get(key)
    return definition.default if value is None else value


def put(key: str, value: int, user_id: int | None = None) -> None:
    """Store a value (validated against the definition). Flushes, does not commit.
    A change is written to the audit log; storing the value in force is no change,
    and leaves the row (and who changed it last, when) as it was."""
    definition = REGISTRY[key]
    if not isinstance(value, int) or not definition.minimum <= value <= definition.maximum:
        raise ValueError(
            f"{key} must be an integer in [{definition.minimum}, {definition.maximum}]"
        )
    old = get(key)
    if old == value:
        return
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        db.session.add(row)
    row.value = value
    row.updated_at = utcnow()
    row.updated_by_id = user_id
    db.session.flush()
    g.pop("settings_cache", None)
    audit.record(
        "setting.update", target=f"setting:{key}", user_id=user_id, changes={key: [old, value]}
    )


CITIZEN_MESSAGES_PER_DAY = define(
    "citizen_messages_per_day",
    20,
    _l("Messages per question and day"),
    _l(
        "How many messages a citizen may add to one question on its status page in a "
        "day. More are refused with a request to call customer service."
    ),
    1,
    500,
    _l("messages"),
)
STALE_OPEN_MONTHS = define(
    "stale_open_months",
    12,
    _l("Open questions without activity"),
    _l(
        "Open questions nobody has done anything with for this many months are listed "
        "for staff to close (they are anonymised after the subject area's retention time)."
    ),
    1,
    120,
    _l("months"),
)
