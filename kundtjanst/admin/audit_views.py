"""The audit log (granskningslogg): newest first, filtered, read only.

There is deliberately no route here that changes an entry: the log is
append-only in the application, in the ORM and in the database.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import gettext as _

from .. import choices
from ..audit.actions import ACTIONS, DETAILS
from ..audit.forms import AuditFilterForm, ReadsForm
from ..audit.queries import NO_USER, entries, reads_of, user_names
from ..forms import choice
from ..lazytext import lazy_gettext as _l
from ..web import paginate
from .blueprint import bp


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


@bp.get("/logg")
def audit_log():
    form = AuditFilterForm(formdata=request.args)
    form.user.choices = choices.users(
        choice("", _l("Everybody")),
        choice(NO_USER, _l("Nobody logged in (jobs, the command line)")),
    )
    if not form.validate():
        return render_template("admin/audit.html", form=form, page=None, actions=ACTIONS), 400
    page = paginate(entries(form.to_filter()))
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        actions=ACTIONS,
        describe=describe,
        target_names=user_names(page.items),
    )


@bp.get("/lasningar")
def ticket_reads():
    """Who was shown a ticket, by day: for a register extract (GDPR art. 15) or the
    question who looked at a citizen's matter."""
    form = ReadsForm(formdata=request.args)
    if "arende" not in request.args:
        return render_template("admin/reads.html", form=form, page=None)
    if not form.validate():
        return render_template("admin/reads.html", form=form, page=None), 400
    page = paginate(reads_of(form.reference))
    return render_template("admin/reads.html", form=form, page=page)
