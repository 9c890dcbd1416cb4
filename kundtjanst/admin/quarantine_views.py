"""Quarantined e-mail: incoming mail that could not be placed (unreadable, an error,
its sender's daily limit, a bounce about mail we never sent). Administrators read it,
run it again, or discard it (it is kept, marked discarded); nothing is dropped."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import services as audit
from ..core.mailparse import parse
from ..core.mailtext import decode
from ..extensions import db
from ..forms import ButtonForm
from ..inbound import queries, services
from ..inbound.models import QUARANTINED, InboundMail
from ..web import paginate
from .blueprint import bp, get_or_404

MAX_SHOWN = 20_000  # characters of a mail shown on its page


@bp.get("/karantan")
def quarantine():
    page = paginate(queries.quarantine())
    return render_template("admin/quarantine.html", page=page, button=ButtonForm())


@bp.get("/karantan/<int:mail_id>")
def quarantined_mail(mail_id: int):
    row = get_or_404(InboundMail, mail_id)
    try:
        text = parse(row.raw).text
    except Exception:  # Unparseable or worse: the page shows the bytes as text
        text = decode(row.raw)
    audit.record("inbound.read", target=f"inbound_mail:{row.id}", sender=row.sender)
    db.session.commit()
    return render_template(
        "admin/quarantined_mail.html",
        row=row,
        text=text[:MAX_SHOWN],
        cut=len(text) > MAX_SHOWN,
        button=ButtonForm(),
    )


def _act(mail_id: int, action, done: str):
    row = get_or_404(InboundMail, mail_id)
    if not ButtonForm().validate_on_submit():
        flash(_("The form had expired; try again."), "error")
        return redirect(url_for("admin.quarantine"))
    if row.status != QUARANTINED:
        flash(_("That e-mail is no longer in the quarantine."), "info")
        return redirect(url_for("admin.quarantine"))
    try:
        action(row, current_user)
    except Exception as error:  # the mail stays where it was, the page says why
        db.session.rollback()
        flash(_("The e-mail could not be read again: %(error)s", error=str(error)[:200]), "error")
        return redirect(url_for("admin.quarantine"))
    db.session.commit()
    if row.status == QUARANTINED:
        flash(_("Read again, and still in the quarantine: %(why)s", why=row.error or ""), "error")
    else:
        flash(done, "success")
    return redirect(url_for("admin.quarantine"))


@bp.post("/karantan/<int:mail_id>/kor-igen")
def rerun_mail(mail_id: int):
    return _act(mail_id, services.rerun, _("The e-mail was read again and placed."))


@bp.post("/karantan/<int:mail_id>/kasta")
def discard_mail(mail_id: int):
    return _act(mail_id, services.discard, _("The e-mail was discarded (it is kept, marked so)."))
