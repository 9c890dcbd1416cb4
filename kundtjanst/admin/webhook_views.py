"""Webhooks for administrators (/admin/api/webhooks): subscribe (the secret shown
once), change, pause and resume, rotate the secret, delete; a subscription's
deliveries with their attempts, and "Skicka igen"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import services as audit
from ..extensions import db
from ..forms import ButtonForm
from ..web import form_status, paginate, show_error
from ..webhooks import queries, services
from ..webhooks.errors import WebhookError
from ..webhooks.forms import EVENT_LABELS, PauseForm, SubscriptionChangeForm, SubscriptionForm
from ..webhooks.models import WebhookDelivery, WebhookSubscription
from .blueprint import bp, delete_view, get_or_404


def _subscription(subscription_id: int) -> WebhookSubscription:
    sub = get_or_404(WebhookSubscription, subscription_id)
    if not sub.active:
        abort(404)
    return sub


def _list(form: SubscriptionForm, status: int = 200):
    return render_template(
        "admin/webhooks.html",
        subscriptions=db.session.scalars(queries.subscriptions()).all(),
        counts=queries.waiting_counts(),
        form=form,
        event_labels=EVENT_LABELS,
    ), status


@bp.get("/api/webhooks")
def webhooks():
    return _list(SubscriptionForm(formdata=None))


@bp.post("/api/webhooks")
def create_webhook():
    form = SubscriptionForm()
    if form.validate_on_submit():
        try:
            sub, secret = services.subscribe(
                form.url.data,
                form.events.data,
                group_ids=form.groups.data or None,
                scopes=form.scopes.data or (),
                description=form.description.data,
                created_by=current_user.email,
            )
        except WebhookError as error:
            db.session.rollback()
            show_error(form, error.field, str(error))
        else:
            audit.record("webhook.create", target=f"webhook:{sub.id}", url=sub.url)
            db.session.commit()
            return render_template("admin/webhook_secret.html", sub=sub, secret=secret)
    return _list(form, form_status())


@bp.route("/api/webhooks/<int:subscription_id>", methods=["GET", "POST"])
def webhook(subscription_id: int):
    sub = _subscription(subscription_id)
    form = SubscriptionChangeForm()
    if request.method == "GET":
        form.description.data = sub.description
        form.events.data = list(sub.events)
        form.groups.data = list(sub.group_ids or [])
        form.scopes.data = list(sub.scopes or [])
    elif form.validate_on_submit():
        try:
            services.change(
                sub,
                events=form.events.data,
                group_ids=form.groups.data or None,
                scopes=form.scopes.data or (),
                description=form.description.data,
            )
        except WebhookError as error:
            db.session.rollback()
            sub = _subscription(subscription_id)
            show_error(form, error.field, str(error))
        else:
            audit.record("webhook.update", target=f"webhook:{sub.id}")
            db.session.commit()
            flash(_("The subscription was saved."), "success")
            return redirect(url_for("admin.webhook", subscription_id=sub.id))
    return render_template(
        "admin/webhook.html",
        sub=sub,
        form=form,
        pause_form=PauseForm(formdata=None),
        page=paginate(queries.deliveries(sub)),
        event_labels=EVENT_LABELS,
    ), form_status()


@bp.post("/api/webhooks/<int:subscription_id>/pausa")
def pause_webhook(subscription_id: int):
    sub = _subscription(subscription_id)
    form = PauseForm()
    if form.validate_on_submit():
        services.pause(sub, form.reason.data)
        audit.record("webhook.pause", target=f"webhook:{sub.id}", reason=form.reason.data)
        db.session.commit()
        flash(_("The subscription is paused; deliveries wait."), "success")
    else:
        flash(_("The reason could not be saved: write it on one line."), "error")
    return redirect(url_for("admin.webhook", subscription_id=sub.id))


@bp.post("/api/webhooks/<int:subscription_id>/ateruppta")
def resume_webhook(subscription_id: int):
    sub = _subscription(subscription_id)
    if ButtonForm().validate_on_submit():
        waiting = services.resume(sub)
        audit.record("webhook.resume", target=f"webhook:{sub.id}", rows=waiting)
        db.session.commit()
        flash(_("The subscription sends again: %(num)d deliveries go now.", num=waiting), "success")
    return redirect(url_for("admin.webhook", subscription_id=sub.id))


@bp.post("/api/webhooks/<int:subscription_id>/nytt-hemligt")
def rotate_webhook_secret(subscription_id: int):
    sub = _subscription(subscription_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("admin.webhook", subscription_id=sub.id))
    secret = services.rotate_secret(sub)
    audit.record("webhook.rotate", target=f"webhook:{sub.id}")
    db.session.commit()
    return render_template("admin/webhook_secret.html", sub=sub, secret=secret, rotated=True)


@bp.route("/api/webhooks/<int:subscription_id>/ta-bort", methods=["GET", "POST"])
def delete_webhook(subscription_id: int):
    sub = _subscription(subscription_id)

    def delete() -> None:
        services.delete(sub)
        audit.record("webhook.delete", target=f"webhook:{sub.id}", url=sub.url)

    return delete_view(
        question=_("Delete the subscription to %(url)s?", url=sub.url),
        consequence=_("Nothing more is sent to it; deliveries that wait are dropped."),
        back=url_for("admin.webhook", subscription_id=sub.id),
        delete=delete,
        done=_("The subscription was deleted."),
        after=url_for("admin.webhooks"),
    )


@bp.post("/api/webhooks/<int:subscription_id>/leveranser/<int:delivery_id>/skicka-igen")
def redeliver_webhook(subscription_id: int, delivery_id: int):
    sub = _subscription(subscription_id)
    delivery = get_or_404(WebhookDelivery, delivery_id)
    if delivery.subscription_id != sub.id:
        abort(404)
    if ButtonForm().validate_on_submit():
        try:
            services.redeliver(delivery)
        except WebhookError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            audit.record(
                "webhook.redeliver", target=f"webhook:{sub.id}", delivery=delivery.webhook_id
            )
            db.session.commit()
            flash(_("The delivery will be sent again within a minute."), "success")
    return redirect(url_for("admin.webhook", subscription_id=sub.id))
