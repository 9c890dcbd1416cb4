"""/api/v1/webhooks: subscriptions made, listed, read, rotated and removed by a token
with webhooks:manage (the administrators' page is /admin/api/webhooks)."""

from __future__ import annotations

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...forms import MAX_ID
from ...org.models import Group
from ...webhooks import services
from ...webhooks.errors import WebhookError
from ...webhooks.models import WebhookSubscription
from ...webhooks.queries import subscriptions
from .. import present
from ..auth import require
from ..blueprints import blueprint
from ..problems import invalid
from ..queries import confidential_group_ids
from ..schemas.webhooks import (
    NoBodySchema,
    SecretSchema,
    WebhookCreatedSchema,
    WebhookCreateSchema,
    WebhookSchema,
)

bp = blueprint("api-webhooks", "Webhook subscriptions: signed messages when tickets change.")


def _slugs() -> dict[int, str]:
    return dict(db.session.execute(select(Group.id, Group.slug)).all())


def _body(sub: WebhookSubscription, slugs: dict[int, str]) -> dict:
    return {
        "id": sub.id,
        "url": sub.url,
        "description": sub.description,
        "events": list(sub.events),
        "groups": [slugs.get(i, str(i)) for i in sub.group_ids] if sub.group_ids else None,
        "scopes": list(sub.scopes or []),
        "paused_at": present.when(sub.paused_at),
        "pause_reason": sub.pause_reason,
        "created_at": present.when(sub.created_at),
        "created_by": sub.created_by,
    }


def _refused(error: WebhookError):
    db.session.rollback()
    invalid((error.field or "json", str(error)))


def _found(webhook_id: int) -> WebhookSubscription:
    sub = db.session.get(WebhookSubscription, webhook_id) if 0 < webhook_id <= MAX_ID else None
    if sub is None or not sub.active:
        abort(404)
    return sub


@bp.route("/webhooks")
class Webhooks(MethodView):
    @bp.response(200, WebhookSchema(many=True))
    @bp.doc(description="Scope webhooks:manage. Every subscription.")
    def get(self):
        require("webhooks:manage")
        slugs = _slugs()
        return present.answer([_body(s, slugs) for s in db.session.scalars(subscriptions())])

    @bp.arguments(WebhookCreateSchema)
    @bp.response(201, WebhookCreatedSchema)
    @bp.doc(
        description="Scope webhooks:manage. Subscribes a URL to "
        "events (ticket.created, ticket.escalated, ticket.claimed, ticket.resolved, "
        "ticket.reopened, ticket.citizen_message), optionally for some groups. The "
        "answer carries the signing secret, once. Addresses in loopback, private or "
        "link-local networks are refused.",
    )
    def post(self, data):
        token = require("webhooks:manage")
        slugs = _slugs()
        by_slug = {slug: i for i, slug in slugs.items()}
        group_ids = None
        if data.get("groups"):
            unknown = [g for g in data["groups"] if g not in by_slug]
            if unknown:
                _refused(
                    WebhookError(_("No such group: %(slug)s.", slug=unknown[0][:60]), "groups")
                )
            group_ids = [by_slug[g] for g in data["groups"]]
        allowed = {f"confidential:{slugs[i]}" for i in confidential_group_ids(token)}
        beyond = [s for s in data.get("scopes") or [] if s not in allowed]
        if beyond:
            _refused(
                WebhookError(
                    _("The token itself lacks the scope %(scope)s.", scope=beyond[0][:80]), "scopes"
                )
            )
        try:
            sub, secret = services.subscribe(
                data["url"],
                data["events"],
                group_ids=group_ids,
                scopes=data.get("scopes") or (),
                description=data.get("description"),
                created_by=f"API: {token.name}",
            )
        except WebhookError as error:
            _refused(error)
        body = {**_body(sub, slugs), "secret": secret}
        db.session.commit()
        return present.answer(body, 201, {"Location": f"/api/v1/webhooks/{sub.id}"})


@bp.route("/webhooks/<int:webhook_id>")
class Webhook(MethodView):
    @bp.response(200, WebhookSchema)
    @bp.doc(description="Scope webhooks:manage. One subscription.")
    def get(self, webhook_id):
        require("webhooks:manage")
        return present.answer(_body(_found(webhook_id), _slugs()))

    @bp.response(204)
    @bp.doc(
        description="Scope webhooks:manage. Ends the subscription; what still waited is not sent.",
    )
    def delete(self, webhook_id):
        require("webhooks:manage")
        services.delete(_found(webhook_id))
        db.session.commit()
        return present.answer(None, 204)


@bp.route("/webhooks/<int:webhook_id>/rotate")
class Rotate(MethodView):
    @bp.arguments(NoBodySchema, required=False)
    @bp.response(200, SecretSchema)
    @bp.doc(
        description="Scope webhooks:manage. A new signing secret, "
        "shown once; for 24 hours the old one signs every delivery too.",
    )
    def post(self, _nothing, webhook_id):
        require("webhooks:manage")
        sub = _found(webhook_id)
        secret = services.rotate_secret(sub)
        body = {"secret": secret, "previous_valid_until": present.when(sub.previous_secret_until)}
        db.session.commit()
        return present.answer(body)
