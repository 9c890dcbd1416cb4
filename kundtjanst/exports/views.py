"""The export routes: asking for an export of the dashboard's period and filters
(answered at once with a redirect), its page (state, progress, the download link),
its state as JSON for the page's script, the download, and one's recent exports.
Nobody but the requester sees or downloads an export: anyone else gets 404."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import locales
from ..core.errors import InvalidChange
from ..core.timeutil import utcnow
from ..extensions import db
from ..labels import CHANNEL
from ..lazytext import lazy_gettext as _l
from ..stats.scope import select_from_request
from ..templating import localtime, number
from . import queries, services
from .forms import FORMATS, ExportForm
from .models import Export, ExportKind, ExportStatus

bp = Blueprint("exports", __name__)

MIMETYPES = {
    ExportKind.CSV: "text/csv; charset=utf-8",
    ExportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

FAILURES = {
    "not_allowed": _l(
        "You may no longer see these figures (your groups have changed since you asked)."
    ),
    "too_many_rows": _l(
        "The period holds more questions than an Excel sheet can hold. "
        "Choose a shorter period, or CSV."
    ),
    "stopped": _l("The export was interrupted twice before it was finished."),
    "error": _l("Something went wrong while the file was being written."),
}


@bp.post("/statistik/exporter")
@login_required
def request_export():
    form = ExportForm()
    selection = select_from_request(current_user)
    if not form.validate_on_submit() or selection.errors:
        problems = [f"{label}: {message}" for _id, label, message in form.all_errors]
        return _list(problems + selection.errors), 400
    chosen = services.Chosen(
        period=selection.period,
        channel=selection.filters.channel,
        category_id=selection.filters.category_id,
        department_id=selection.form.department.data,
        group_id=selection.form.group.data,
        language=selection.filters.language,
    )
    try:
        export = services.request_export(
            current_user, ExportKind(form.format.data), chosen, utcnow()
        )
    except InvalidChange as error:
        db.session.rollback()
        return _list([str(error)]), 429
    db.session.commit()
    return redirect(url_for(".page", export_id=export.id), 303)


@bp.get("/statistik/exporter")
@login_required
def mine():
    return _list([])


def _list(problems: list[str]) -> str:
    exports = queries.recent(current_user)
    now = utcnow()
    return render_template(
        "exports/list.html",
        problems=problems,
        exports=[(e, _status(e, now)) for e in exports],
        formats=FORMATS,
    )


@bp.get("/statistik/exporter/<int:export_id>")
@login_required
def page(export_id: int):
    export = _own_or_404(export_id)
    return render_template(
        "exports/page.html",
        export=export,
        state=_state(export, utcnow()),
        formats=FORMATS,
        channels=CHANNEL,
        names=queries.filter_names(export),
        again=_again_args(export),
    )


@bp.get("/statistik/exporter/<int:export_id>.json")
@login_required
def status_json(export_id: int):
    return jsonify(_state(_own_or_404(export_id), utcnow()))


@bp.get("/statistik/exporter/<int:export_id>/fil")
@login_required
def download(export_id: int):
    export = _own_or_404(export_id)
    if _status(export, utcnow()) != ExportStatus.DONE:
        abort(404)
    services.record_download(export)
    export_id, kind, filename, size = export.id, export.kind, export.filename, export.size
    db.session.commit()
    response = Response(stream_with_context(queries.file_chunks(export_id)))
    response.headers["Content-Type"] = MIMETYPES[kind]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Length"] = str(size)
    return response


def _own_or_404(export_id: int) -> Export:
    export = queries.own(current_user, export_id)
    if export is None:
        abort(404)
    return export


def _status(export: Export, now: datetime) -> ExportStatus:
    """A file past its time counts as deleted, even before the job has deleted it."""
    if export.status == ExportStatus.DONE and export.expires_at <= now:
        return ExportStatus.EXPIRED
    return export.status


def _state(export: Export, now: datetime) -> dict:
    """What the page shows of the export's state, and the script reads as JSON."""
    status = _status(export, now)
    done, total = export.rows_done, export.rows_total
    return {
        "status": status.value,
        "unfinished": status in services.UNFINISHED,
        "message": _message(export, status),
        "rows_done": done,
        "rows_total": total,
        "progress": ngettext(
            "%(done)s of %(total)s row",
            "%(done)s of %(total)s rows",
            total,
            done=number(done),
            total=number(total),
        )
        if total is not None
        else "",
    }


def _message(export: Export, status: ExportStatus) -> str:
    again = _("You can ask for it again.")
    if status == ExportStatus.PENDING:
        return _("Waiting to be started. This page shows when the file is ready.")
    if status == ExportStatus.RUNNING:
        return _("The file is being written.")
    if status == ExportStatus.DONE:
        return ngettext(
            "Ready: %(rows)s row, %(size)s. The file is deleted at %(time)s.",
            "Ready: %(rows)s rows, %(size)s. The file is deleted at %(time)s.",
            export.rows_done,
            rows=number(export.rows_done),
            size=_size(export.size or 0),
            time=localtime(export.expires_at),
        )
    if status == ExportStatus.FAILED:
        reason = FAILURES.get(export.failure or "error", FAILURES["error"])
        return f"{reason} {again}"
    deleted = ngettext(
        "The file has been deleted: exports are kept for %(num)d hour.",
        "The file has been deleted: exports are kept for %(num)d hours.",
        current_app.config["EXPORT_KEEP_HOURS"],
    )
    return f"{deleted} {again}"


def _size(size: int) -> str:
    """Bytes as "850 kB" or "20,9 MB"."""
    if size < 1_000_000:
        return f"{number(max(1, round(size / 1000)))}\u00a0kB"
    return f"{format_decimal(size / 1_000_000, format='#,##0.0', locale=locales.formats())}\u00a0MB"


def _again_args(export: Export) -> dict[str, str]:
    """The export's period and filters as the request route's query string."""
    args = {
        "period": "custom",
        "from": export.first_day.isoformat(),
        "to": export.last_day.isoformat(),
        "channel": export.channel,
        "category": export.category_id,
        "department": export.department_id,
        "group": export.group_id,
        "language": export.language,
    }
    return {key: str(value) for key, value in args.items() if value}
