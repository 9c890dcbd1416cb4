"""The outbox for administrators: mail that waits, failed or was never sent (no mail
server), with the last error, and one action: try this one again now."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..audit import services as audit
from ..extensions import db
from ..forms import ButtonForm
from ..mail import queries, services
from ..mail.models import SENT, OutgoingMail
from ..web import paginate
from .blueprint import bp, get_or_404


@bp.get("/utkorg")
def outbox():
    status = request.args.get("status", "")
    status = status if status in queries.NOT_SENT else ""
    return render_template(
        "admin/outbox.html",
        page=paginate(queries.not_sent(status or None)),
        counts=queries.counts(),
        status=status,
        form=ButtonForm(formdata=None),
    )


@bp.post("/utkorg/<int:outbox_id>/forsok-igen")
def retry_mail(outbox_id: int):
    row = get_or_404(OutgoingMail, outbox_id)
    if ButtonForm().validate_on_submit():
        if services.retry(row):
            audit.record("mail.retry", target=row.message_id)
            db.session.commit()
            outcome = services.deliver([row.id])
            if outcome[SENT]:
                flash(_("The message was sent."), "success")
            else:
                flash(_("The message could not be sent now; it waits in the outbox."), "error")
        else:
            flash(_("That message has already been sent."), "error")
    return redirect(url_for("admin.outbox"))
