"""The audit log (granskningslogg): newest first, filtered, read only.

There is deliberately no route here that changes an entry: the log is
append-only in the application, in the ORM and in the database.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import StringField, ValidationError
from wtforms.validators import Length, Optional, Regexp

from .. import choices
from ..audit.actions import ACTIONS, DETAILS
from ..audit.queries import NO_USER, AuditFilter, entries
from ..auth.models import User
from ..core.timeutil import FIRST_DAY, LAST_DAY
from ..extensions import db
from ..forms import BaseForm, IdSelectField, blank_to_none, choice, whole_number
from ..permissions import admin_required
from .blueprint import bp

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_USER_TARGET = re.compile(r"^user:(\d{1,9})$")
MAX_PAGE = 100_000


def _day(text: str | None) -> date | None:
    """A yyyy-mm-dd date within the years the log can hold, or None."""
    if not text or not _DATE.match(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _check_day(form, field) -> None:
    if _day(field.data) is None:
        raise ValidationError(
            _l(
                "Enter a date like 2026-05-15, between the years %(first)d and %(last)d.",
                first=FIRST_DAY.year,
                last=LAST_DAY.year,
            )
        )


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    action = StringField(
        _l("Action"),
        filters=[blank_to_none],
        validators=[
            Optional(),
            Length(max=60),
            Regexp(
                r"^[a-z_]+(\.[a-z_]+)*\.?$",
                message=_l("Write an action like ticket.read, or its first part like ticket."),
            ),
        ],
    )
    user = IdSelectField(_l("User"))
    text = StringField(
        _l("Target or detail"), filters=[blank_to_none], validators=[Optional(), Length(max=120)]
    )
    start = StringField(
        _l("From"), name="from", filters=[blank_to_none], validators=[Optional(), _check_day]
    )
    end = StringField(
        _l("To"), name="to", filters=[blank_to_none], validators=[Optional(), _check_day]
    )
    address = StringField(
        _l("Address"),
        filters=[blank_to_none],
        validators=[
            Optional(),
            Length(max=64),
            Regexp(
                r"^[0-9A-Fa-f:.]+$",
                message=_l("Write an IP address, or its first part like 10.1."),
            ),
        ],
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        first, last = _day(self.start.data), _day(self.end.data)
        if first and last and last < first:
            self.end.errors = [*self.end.errors, _l("The end date is before the start date.")]
            return False
        return valid

    def to_filter(self) -> AuditFilter:
        return AuditFilter(
            action=self.action.data,
            user_id=self.user.data,
            text=self.text.data,
            first=_day(self.start.data),
            last=_day(self.end.data),
            address=self.address.data,
        )


def _page_arg() -> int:
    return whole_number(request.args.get("page", "1"), MAX_PAGE) or 1


def _text(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) or "–"
    return str(value)


def describe(details: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """An entry's details as (label, lines): a change per line as "field: old → new",
    a list (of references) as its items, anything else as one line."""
    described = []
    for key, value in (details or {}).items():
        label = str(DETAILS.get(key, key))
        if key == "changes" and isinstance(value, dict):
            lines = [
                f"{field}: {_text(pair[0])} → {_text(pair[1])}"
                if isinstance(pair, list) and len(pair) == 2
                else f"{field}: {_text(pair)}"
                for field, pair in value.items()
            ]
        elif isinstance(value, list) and value and not isinstance(value[0], list | dict):
            lines = [_text(v) for v in value]
        else:
            lines = [_text(value)]
        described.append((label, lines))
    return described


def _user_names(page_items) -> dict[str, str]:
    """Names for targets like ``user:12`` on the page, in one query."""
    ids = {int(m.group(1)) for e in page_items if e.target and (m := _USER_TARGET.match(e.target))}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return {f"user:{id_}": name for id_, name in rows}


@bp.get("/logg")
@admin_required
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    form.user.choices = choices.users(
        choice("", _l("Everybody")),
        choice(NO_USER, _l("Nobody logged in (jobs, the command line)")),
    )
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None, actions=ACTIONS), 400
    page = db.paginate(
        entries(form.to_filter()),
        page=_page_arg(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        actions=ACTIONS,
        describe=describe,
        target_names=_user_names(page.items),
    )
