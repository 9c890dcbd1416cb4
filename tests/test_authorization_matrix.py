"""Every route, every kind of user: the expected outcome is written down here.

The routes come from the application's URL map; a route (or method) without an
entry in MATRIX fails `test_every_route_has_an_entry`, so nobody can add a page
without deciding who may use it.

Users: anonymous; agent (kundtjänst); member (of the ticket's svarsgrupp, and
its claimant); other (member of another svarsgrupp); manager; admin.
Outcomes: an HTTP status, or "login" for a redirect to the login page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kundtjanst.attachments import services as attachments
from kundtjanst.attachments.models import Attachment
from kundtjanst.auth.models import User
from kundtjanst.calls import services as calls
from kundtjanst.core.statistics import Period
from kundtjanst.core.timeutil import utcnow
from kundtjanst.core.vocabulary import Channel
from kundtjanst.core.webhooksign import new_secret, new_webhook_id
from kundtjanst.exports import services as export_services
from kundtjanst.exports.jobs import produce
from kundtjanst.exports.models import ExportKind
from kundtjanst.extensions import db
from kundtjanst.inbound.models import QUARANTINED, UNPARSEABLE, InboundMail
from kundtjanst.kb import services as kb_services
from kundtjanst.kb import translations as kb_translations
from kundtjanst.kb.models import ArticleState
from kundtjanst.mail.models import OutgoingMail
from kundtjanst.org.models import Category, CouldReason, Group
from kundtjanst.routing.models import RoutingRule
from kundtjanst.tickets import services
from kundtjanst.webhooks.models import WebhookDelivery, WebhookSubscription

from .factories import new_ticket

ROLES = ("anonymous", "agent", "member", "other", "manager", "admin")


@dataclass(frozen=True)
class Case:
    url: str  # formatted with the scenario's values
    expected: tuple  # one outcome per role, in ROLES order
    data: dict | None = None  # POST form


def every(outcome) -> tuple:
    return (outcome,) * len(ROLES)


def staff(anon, agent, member, other, manager, admin) -> tuple:
    return (anon, agent, member, other, manager, admin)


ADMIN_ONLY = staff("login", 403, 403, 403, 403, 200)
# A new-item form posted without its fields is refused with its error summary.
ADMIN_FORM_POST = staff("login", 403, 403, 403, 403, 400)
# An edit form posted without its fields is refused too (nothing stored).
ADMIN_EDIT_POST = ADMIN_FORM_POST
ADMIN_ACTION_POST = staff("login", 403, 403, 403, 403, 302)
LOGGED_IN = staff("login", 200, 200, 200, 200, 200)
REQUESTER_ONLY = staff("login", 404, 404, 404, 200, 404)
EVERY_STAFF_400 = staff("login", 400, 400, 400, 400, 400)
# A template shared in kundtjänst: its members, and administrators, change it.
TEMPLATE_USERS = staff("login", 200, 404, 404, 404, 200)

# (rule, method) -> Case
MATRIX: dict[tuple[str, str], Case] = {
    # public pages
    ("/", "GET"): Case("/", staff(200, 302, 302, 302, 302, 302)),
    ("/tillganglighet", "GET"): Case("/tillganglighet", every(200)),
    ("/personuppgifter", "GET"): Case("/personuppgifter", every(200)),
    ("/sprak/<code>", "GET"): Case("/sprak/en?next=/fraga", every(302)),
    ("/logga-in", "GET"): Case("/logga-in", staff(200, 302, 302, 302, 302, 302)),
    ("/logga-in", "POST"): Case("/logga-in", staff(400, 302, 302, 302, 302, 302), {}),
    ("/logga-ut", "POST"): Case("/logga-ut", staff("login", 302, 302, 302, 302, 302), {}),
    ("/konto", "GET"): Case("/konto", LOGGED_IN),
    ("/konto", "POST"): Case("/konto", staff("login", 400, 400, 400, 400, 400), {}),
    ("/konto/losenord", "GET"): Case("/konto/losenord", LOGGED_IN),
    ("/konto/losenord", "POST"): Case(
        "/konto/losenord", staff("login", 400, 400, 400, 400, 400), {}
    ),
    ("/fraga", "GET"): Case("/fraga", every(200)),
    ("/fraga", "POST"): Case("/fraga", every(400), {}),
    ("/fraga/skickad", "GET"): Case("/fraga/skickad", every(200)),
    ("/fraga/svaret-fanns", "GET"): Case("/fraga/svaret-fanns", every(200)),
    ("/fraga/svaret-fanns", "POST"): Case("/fraga/svaret-fanns", every(400), {}),
    ("/fragor-och-svar", "GET"): Case("/fragor-och-svar?q=soptunna", every(200)),
    # No public article in the scenario: nobody, staff included, reads one that isn't.
    ("/fragor-och-svar/<int:article_id>", "GET"): Case("/fragor-och-svar/1", every(404)),
    ("/arende/<token>", "GET"): Case("/arende/{token}", every(200)),
    ("/arende/<token>", "POST"): Case("/arende/{token}", every(400), {}),
    # kundtjänst
    ("/ny-kontakt", "GET"): Case("/ny-kontakt", staff("login", 200, 403, 403, 403, 403)),
    ("/ny-kontakt", "POST"): Case("/ny-kontakt", staff("login", 400, 403, 403, 403, 403), {}),
    # calls: one's own caller log (managers may choose an agent's); the call in
    # progress and its panel for kundtjänst's Ny kontakt (the call is the agent's)
    ("/samtal", "GET"): Case("/samtal", LOGGED_IN),
    ("/samtal/pagaende", "GET"): Case("/samtal/pagaende", staff("login", 200, 403, 403, 403, 403)),
    ("/samtal/<int:call_id>/panel", "GET"): Case(
        "/samtal/{call_id}/panel", staff("login", 200, 403, 403, 403, 403)
    ),
    ("/inkorg", "GET"): Case("/inkorg", staff("login", 200, 403, 403, 403, 403)),
    # svarsgrupper
    ("/ko", "GET"): Case("/ko", staff("login", 403, 302, 302, 403, 403)),
    ("/ko/<slug>", "GET"): Case("/ko/bygglov", staff("login", 403, 200, 403, 403, 403)),
    ("/mina", "GET"): Case("/mina", LOGGED_IN),
    ("/arenden/utan-aktivitet", "GET"): Case("/arenden/utan-aktivitet", LOGGED_IN),
    ("/sok", "GET"): Case("/sok?q=altan", LOGGED_IN),
    # the ticket (in Bygglov, claimed by "member")
    ("/arenden/<reference>", "GET"): Case(
        "/arenden/{ref}", staff("login", 200, 200, 404, 200, 200)
    ),
    # its files: whoever may read it; the citizen through the status link
    ("/arenden/<reference>/bilagor/<attachment_id>", "GET"): Case(
        "/arenden/{ref}/bilagor/{attachment_id}", staff("login", 200, 200, 404, 200, 200)
    ),
    ("/arende/<token>/bilagor/<attachment_id>", "GET"): Case(
        "/arende/{token}/bilagor/{attachment_id}", every(200)
    ),
    ("/arenden/<reference>/svara", "POST"): Case(
        "/arenden/{ref}/svara", staff("login", 403, 400, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/anteckning", "POST"): Case(
        "/arenden/{ref}/anteckning", staff("login", 403, 400, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/eskalera", "POST"): Case(
        "/arenden/{ref}/eskalera", staff("login", 403, 403, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/overlamna", "POST"): Case(
        "/arenden/{ref}/overlamna", staff("login", 403, 400, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/avsluta", "POST"): Case(
        "/arenden/{ref}/avsluta", staff("login", 403, 400, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/ta", "POST"): Case(
        "/arenden/{ref}/ta", staff("login", 403, 302, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/slapp", "POST"): Case(
        "/arenden/{ref}/slapp", staff("login", 403, 400, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/ny-lank", "POST"): Case(
        "/arenden/{ref}/ny-lank", staff("login", 400, 400, 404, 403, 403), {}
    ),
    # open, so nobody may open it again
    ("/arenden/<reference>/oppna-igen", "POST"): Case(
        "/arenden/{ref}/oppna-igen", staff("login", 403, 403, 404, 403, 403), {}
    ),
    ("/arenden/<reference>/upprepad", "POST"): Case(
        "/arenden/{ref}/upprepad", staff("login", 403, 400, 404, 403, 403), {}
    ),
    # a confidential ticket without a secrecy group, in Bygglov and claimed by "member":
    # only its group's members may lift the secrecy; nobody else may even read it
    ("/arenden/<reference>/hav-sekretess", "POST"): Case(
        "/arenden/{secret_ref}/hav-sekretess", staff("login", 404, 400, 404, 404, 404), {}
    ),
    # statistics: staff see their own groups, managers everything
    ("/statistik", "GET"): Case("/statistik", LOGGED_IN),
    ("/statistik.json", "GET"): Case("/statistik.json", LOGGED_IN),
    ("/statistik/arenden", "GET"): Case("/statistik/arenden?measure=resolved", LOGGED_IN),
    ("/statistik/kunskap", "GET"): Case("/statistik/kunskap", staff("login", 403, *[200] * 4)),
    ("/statistik/kunskap/arenden", "GET"): Case(
        "/statistik/kunskap/arenden?used=1", staff("login", 403, *[200] * 4)
    ),
    # exports: anyone who sees figures asks for one; only the requester (here the
    # manager) sees it or downloads it, everyone else gets 404
    ("/statistik/exporter", "GET"): Case("/statistik/exporter", LOGGED_IN),
    ("/statistik/exporter", "POST"): Case(
        "/statistik/exporter?period=today",
        staff("login", 303, 303, 303, 303, 303),
        {"format": "csv"},
    ),
    ("/statistik/exporter/<int:export_id>", "GET"): Case(
        "/statistik/exporter/{export_id}", REQUESTER_ONLY
    ),
    ("/statistik/exporter/<int:export_id>.json", "GET"): Case(
        "/statistik/exporter/{export_id}.json", REQUESTER_ONLY
    ),
    ("/statistik/exporter/<int:export_id>/fil", "GET"): Case(
        "/statistik/exporter/{export_id}/fil", REQUESTER_ONLY
    ),
    ("/statistik/kontaktlista.csv", "GET"): Case(
        "/statistik/kontaktlista.csv?date={today}", staff("login", 403, 403, 403, 200, 200)
    ),
    # administration
    ("/admin/", "GET"): Case("/admin/", ADMIN_ONLY),
    ("/admin/anvandare", "GET"): Case("/admin/anvandare", ADMIN_ONLY),
    ("/admin/anvandare/ny", "GET"): Case("/admin/anvandare/ny", ADMIN_ONLY),
    ("/admin/anvandare/ny", "POST"): Case("/admin/anvandare/ny", ADMIN_FORM_POST, {}),
    ("/admin/anvandare/<int:user_id>/redigera", "GET"): Case(
        "/admin/anvandare/{user_id}/redigera", ADMIN_ONLY
    ),
    ("/admin/anvandare/<int:user_id>/redigera", "POST"): Case(
        "/admin/anvandare/{user_id}/redigera", ADMIN_EDIT_POST, {}
    ),
    ("/admin/anvandare/<int:user_id>/losenord", "GET"): Case(
        "/admin/anvandare/{user_id}/losenord", ADMIN_ONLY
    ),
    ("/admin/anvandare/<int:user_id>/losenord", "POST"): Case(
        "/admin/anvandare/{user_id}/losenord", ADMIN_FORM_POST, {}
    ),
    ("/admin/forvaltningar", "GET"): Case("/admin/forvaltningar", ADMIN_ONLY),
    ("/admin/forvaltningar/ny", "GET"): Case("/admin/forvaltningar/ny", ADMIN_ONLY),
    ("/admin/forvaltningar/ny", "POST"): Case("/admin/forvaltningar/ny", ADMIN_FORM_POST, {}),
    ("/admin/forvaltningar/<int:department_id>/redigera", "GET"): Case(
        "/admin/forvaltningar/{department_id}/redigera", ADMIN_ONLY
    ),
    ("/admin/forvaltningar/<int:department_id>/redigera", "POST"): Case(
        "/admin/forvaltningar/{department_id}/redigera", ADMIN_EDIT_POST, {}
    ),
    ("/admin/forvaltningar/<int:department_id>/ta-bort", "GET"): Case(
        "/admin/forvaltningar/{department_id}/ta-bort", ADMIN_ONLY
    ),
    ("/admin/forvaltningar/<int:department_id>/ta-bort", "POST"): Case(
        "/admin/forvaltningar/{department_id}/ta-bort", ADMIN_ACTION_POST, {}
    ),
    ("/admin/grupper", "GET"): Case("/admin/grupper", ADMIN_ONLY),
    ("/admin/grupper/ny", "GET"): Case("/admin/grupper/ny", ADMIN_ONLY),
    ("/admin/grupper/ny", "POST"): Case("/admin/grupper/ny", ADMIN_FORM_POST, {}),
    ("/admin/grupper/<int:group_id>/redigera", "GET"): Case(
        "/admin/grupper/{group_id}/redigera", ADMIN_ONLY
    ),
    ("/admin/grupper/<int:group_id>/redigera", "POST"): Case(
        "/admin/grupper/{group_id}/redigera", ADMIN_EDIT_POST, {}
    ),
    ("/admin/grupper/<int:group_id>/ta-bort", "GET"): Case(
        "/admin/grupper/{group_id}/ta-bort", ADMIN_ONLY
    ),
    ("/admin/grupper/<int:group_id>/ta-bort", "POST"): Case(
        "/admin/grupper/{group_id}/ta-bort", ADMIN_ACTION_POST, {}
    ),
    ("/admin/kategorier", "GET"): Case("/admin/kategorier", ADMIN_ONLY),
    ("/admin/kategorier/ny", "GET"): Case("/admin/kategorier/ny", ADMIN_ONLY),
    ("/admin/kategorier/ny", "POST"): Case("/admin/kategorier/ny", ADMIN_FORM_POST, {}),
    ("/admin/kategorier/<int:category_id>/redigera", "GET"): Case(
        "/admin/kategorier/{category_id}/redigera", ADMIN_ONLY
    ),
    ("/admin/kategorier/<int:category_id>/redigera", "POST"): Case(
        "/admin/kategorier/{category_id}/redigera", ADMIN_EDIT_POST, {}
    ),
    ("/admin/kategorier/<int:category_id>/ta-bort", "GET"): Case(
        "/admin/kategorier/{category_id}/ta-bort", ADMIN_ONLY
    ),
    ("/admin/kategorier/<int:category_id>/ta-bort", "POST"): Case(
        "/admin/kategorier/{category_id}/ta-bort", ADMIN_ACTION_POST, {}
    ),
    ("/admin/regler", "GET"): Case("/admin/regler", ADMIN_ONLY),
    ("/admin/regler/ny", "GET"): Case("/admin/regler/ny", ADMIN_ONLY),
    ("/admin/regler/ny", "POST"): Case("/admin/regler/ny", ADMIN_FORM_POST, {}),
    ("/admin/regler/<int:rule_id>/redigera", "GET"): Case(
        "/admin/regler/{rule_id}/redigera", ADMIN_ONLY
    ),
    ("/admin/regler/<int:rule_id>/redigera", "POST"): Case(
        "/admin/regler/{rule_id}/redigera", ADMIN_EDIT_POST, {}
    ),
    ("/admin/regler/<int:rule_id>/flytta-upp", "POST"): Case(
        "/admin/regler/{rule_id}/flytta-upp", ADMIN_ACTION_POST, {}
    ),
    ("/admin/regler/<int:rule_id>/flytta-ned", "POST"): Case(
        "/admin/regler/{rule_id}/flytta-ned", ADMIN_ACTION_POST, {}
    ),
    ("/admin/regler/<int:rule_id>/ta-bort", "GET"): Case(
        "/admin/regler/{rule_id}/ta-bort", ADMIN_ONLY
    ),
    ("/admin/regler/<int:rule_id>/ta-bort", "POST"): Case(
        "/admin/regler/{rule_id}/ta-bort", ADMIN_ACTION_POST, {}
    ),
    ("/admin/orsaker", "GET"): Case("/admin/orsaker", ADMIN_ONLY),
    ("/admin/orsaker/ny", "GET"): Case("/admin/orsaker/ny", ADMIN_ONLY),
    ("/admin/orsaker/ny", "POST"): Case("/admin/orsaker/ny", ADMIN_FORM_POST, {}),
    ("/admin/orsaker/<int:reason_id>/redigera", "GET"): Case(
        "/admin/orsaker/{reason_id}/redigera", ADMIN_ONLY
    ),
    ("/admin/orsaker/<int:reason_id>/redigera", "POST"): Case(
        "/admin/orsaker/{reason_id}/redigera", ADMIN_EDIT_POST, {}
    ),
    ("/admin/installningar", "GET"): Case("/admin/installningar", ADMIN_ONLY),
    ("/admin/installningar", "POST"): Case("/admin/installningar", ADMIN_FORM_POST, {}),
    ("/admin/arbetstid", "GET"): Case("/admin/arbetstid", ADMIN_ONLY),
    ("/admin/arbetstid/vecka", "POST"): Case("/admin/arbetstid/vecka", ADMIN_FORM_POST, {}),
    ("/admin/arbetstid/dagar", "POST"): Case("/admin/arbetstid/dagar", ADMIN_FORM_POST, {}),
    # Tomorrow is no closed day: nothing to remove.
    ("/admin/arbetstid/dagar/<day>/ta-bort", "POST"): Case(
        "/admin/arbetstid/dagar/{tomorrow}/ta-bort", staff("login", 403, 403, 403, 403, 404), {}
    ),
    ("/admin/jobb", "GET"): Case("/admin/jobb", ADMIN_ONLY),
    ("/admin/logg", "GET"): Case("/admin/logg", ADMIN_ONLY),
    ("/admin/lasningar", "GET"): Case("/admin/lasningar?arende={ref}", ADMIN_ONLY),
    ("/admin/fastnade-arenden", "GET"): Case("/admin/fastnade-arenden", ADMIN_ONLY),
    ("/admin/fastnade-arenden", "POST"): Case("/admin/fastnade-arenden", ADMIN_ACTION_POST, {}),
    ("/admin/utkorg", "GET"): Case("/admin/utkorg?status=failed", ADMIN_ONLY),
    ("/admin/utkorg/<int:outbox_id>/forsok-igen", "POST"): Case(
        "/admin/utkorg/{outbox_id}/forsok-igen", ADMIN_ACTION_POST, {}
    ),
    ("/admin/api/webhooks", "GET"): Case("/admin/api/webhooks", ADMIN_ONLY),
    ("/admin/api/webhooks", "POST"): Case("/admin/api/webhooks", ADMIN_FORM_POST, {}),
    ("/admin/api/webhooks/<int:subscription_id>", "GET"): Case(
        "/admin/api/webhooks/{webhook_sub}", ADMIN_ONLY
    ),
    ("/admin/api/webhooks/<int:subscription_id>", "POST"): Case(
        "/admin/api/webhooks/{webhook_sub}", ADMIN_EDIT_POST, {}
    ),
    ("/admin/api/webhooks/<int:subscription_id>/pausa", "POST"): Case(
        "/admin/api/webhooks/{webhook_sub}/pausa", ADMIN_ACTION_POST, {}
    ),
    ("/admin/api/webhooks/<int:subscription_id>/ateruppta", "POST"): Case(
        "/admin/api/webhooks/{webhook_sub}/ateruppta", ADMIN_ACTION_POST, {}
    ),
    # The new secret is shown on the answer itself (once), not after a redirect.
    ("/admin/api/webhooks/<int:subscription_id>/nytt-hemligt", "POST"): Case(
        "/admin/api/webhooks/{webhook_sub}/nytt-hemligt", ADMIN_ONLY, {}
    ),
    ("/admin/api/webhooks/<int:subscription_id>/ta-bort", "GET"): Case(
        "/admin/api/webhooks/{webhook_sub}/ta-bort", ADMIN_ONLY
    ),
    ("/admin/api/webhooks/<int:subscription_id>/ta-bort", "POST"): Case(
        "/admin/api/webhooks/{webhook_sub}/ta-bort", ADMIN_ACTION_POST, {}
    ),
    (
        "/admin/api/webhooks/<int:subscription_id>/leveranser/<int:delivery_id>/skicka-igen",
        "POST",
    ): (
        Case(
            "/admin/api/webhooks/{webhook_sub}/leveranser/{webhook_delivery}/skicka-igen",
            ADMIN_ACTION_POST,
            {},
        )
    ),
    ("/admin/karantan", "GET"): Case("/admin/karantan", ADMIN_ONLY),
    ("/admin/karantan/<int:mail_id>", "GET"): Case("/admin/karantan/{mail_id}", ADMIN_ONLY),
    ("/admin/karantan/<int:mail_id>/kor-igen", "POST"): Case(
        "/admin/karantan/{mail_id}/kor-igen", ADMIN_ACTION_POST, {}
    ),
    ("/admin/karantan/<int:mail_id>/kasta", "POST"): Case(
        "/admin/karantan/{mail_id}/kasta", ADMIN_ACTION_POST, {}
    ),
    # the knowledge pages (an article of Bygglov, published; a template shared in
    # kundtjänst): every member of staff reads, only the owners change what is published
    ("/kunskap", "GET"): Case("/kunskap", LOGGED_IN),
    ("/kunskap/artiklar/ny", "GET"): Case("/kunskap/artiklar/ny", LOGGED_IN),
    ("/kunskap/artiklar/ny", "POST"): Case("/kunskap/artiklar/ny", EVERY_STAFF_400, {}),
    ("/kunskap/artiklar/<int:article_id>", "GET"): Case(
        "/kunskap/artiklar/{article_id}", LOGGED_IN
    ),
    ("/kunskap/artiklar/<int:article_id>/historik", "GET"): Case(
        "/kunskap/artiklar/{article_id}/historik", LOGGED_IN
    ),
    ("/kunskap/artiklar/<int:article_id>/versioner/<int:number>", "GET"): Case(
        "/kunskap/artiklar/{article_id}/versioner/1", LOGGED_IN
    ),
    ("/kunskap/artiklar/<int:article_id>/andra", "GET"): Case(
        "/kunskap/artiklar/{article_id}/andra", staff("login", 403, 200, 403, 403, 200)
    ),
    # Posted without the version it was filled in on: refused as out of date.
    ("/kunskap/artiklar/<int:article_id>/andra", "POST"): Case(
        "/kunskap/artiklar/{article_id}/andra", staff("login", 403, 409, 403, 403, 409), {}
    ),
    ("/kunskap/artiklar/<int:article_id>/tillstand", "POST"): Case(
        "/kunskap/artiklar/{article_id}/tillstand", staff("login", 403, 400, 403, 403, 400), {}
    ),
    ("/kunskap/artiklar/<int:article_id>/versioner/<int:number>/aterstall", "POST"): Case(
        "/kunskap/artiklar/{article_id}/versioner/1/aterstall",
        staff("login", 403, 302, 403, 403, 302),
        {},
    ),
    # Its English translation: read by every reader of the article, changed by those who
    # change the article. Posted without the version it was filled in on: out of date.
    ("/kunskap/artiklar/<int:article_id>/oversattningar/<language>", "GET"): Case(
        "/kunskap/artiklar/{article_id}/oversattningar/en", staff("login", 403, 200, 403, 403, 200)
    ),
    ("/kunskap/artiklar/<int:article_id>/oversattningar/<language>", "POST"): Case(
        "/kunskap/artiklar/{article_id}/oversattningar/en",
        staff("login", 403, 409, 403, 403, 409),
        {},
    ),
    ("/kunskap/artiklar/<int:article_id>/oversattningar/<language>/ta-bort", "GET"): Case(
        "/kunskap/artiklar/{article_id}/oversattningar/en/ta-bort",
        staff("login", 403, 200, 403, 403, 200),
    ),
    ("/kunskap/artiklar/<int:article_id>/oversattningar/<language>/ta-bort", "POST"): Case(
        "/kunskap/artiklar/{article_id}/oversattningar/en/ta-bort",
        staff("login", 403, 409, 403, 403, 409),
        {},
    ),
    (
        "/kunskap/artiklar/<int:article_id>/oversattningar/<language>/versioner/<int:number>",
        "GET",
    ): Case("/kunskap/artiklar/{article_id}/oversattningar/en/versioner/1", LOGGED_IN),
    ("/kunskap/mallar", "GET"): Case("/kunskap/mallar", LOGGED_IN),
    ("/kunskap/mallar/ny", "GET"): Case("/kunskap/mallar/ny", LOGGED_IN),
    ("/kunskap/mallar/ny", "POST"): Case("/kunskap/mallar/ny", EVERY_STAFF_400, {}),
    ("/kunskap/mallar/<int:template_id>/andra", "GET"): Case(
        "/kunskap/mallar/{template_id}/andra", TEMPLATE_USERS
    ),
    ("/kunskap/mallar/<int:template_id>/andra", "POST"): Case(
        "/kunskap/mallar/{template_id}/andra", staff("login", 400, 404, 404, 404, 400), {}
    ),
    ("/kunskap/mallar/<int:template_id>/ta-bort", "GET"): Case(
        "/kunskap/mallar/{template_id}/ta-bort", TEMPLATE_USERS
    ),
    ("/kunskap/mallar/<int:template_id>/ta-bort", "POST"): Case(
        "/kunskap/mallar/{template_id}/ta-bort", staff("login", 302, 404, 404, 404, 302), {}
    ),
    # API tokens (administrators)
    ("/admin/api", "GET"): Case("/admin/api", ADMIN_ONLY),
    ("/admin/api", "POST"): Case("/admin/api", ADMIN_FORM_POST, {}),
    ("/admin/api/<int:token_id>/aterkalla", "POST"): Case(
        "/admin/api/999/aterkalla", staff("login", 403, 403, 403, 403, 404), {}
    ),
    # The API: a session cookie never authenticates it (tests/test_api_*.py use tokens);
    # its contract and reference page are public.
    **{
        (rule, method): Case(
            rule.replace("<reference>", "{ref}").replace("<int:article_id>", "1"),
            every(401),
            {} if method == "POST" else None,
        )
        for rule, method in [
            ("/api/v1/tickets", "GET"),
            ("/api/v1/tickets", "POST"),
            ("/api/v1/tickets/<reference>", "GET"),
            ("/api/v1/tickets/<reference>/messages", "POST"),
            ("/api/v1/tickets/<reference>/escalate", "POST"),
            ("/api/v1/tickets/<reference>/resolve", "POST"),
            ("/api/v1/categories", "GET"),
            ("/api/v1/groups", "GET"),
            ("/api/v1/statistics", "GET"),
            ("/api/v1/articles", "GET"),
            ("/api/v1/articles/<int:article_id>", "GET"),
            ("/api/v1/webhooks", "GET"),
            ("/api/v1/webhooks", "POST"),
            ("/api/v1/calls", "POST"),
        ]
    },
    **{
        ("/api/v1/webhooks/<int:webhook_id>" + tail, method): Case(
            "/api/v1/webhooks/1" + tail, every(401), {} if method == "POST" else None
        )
        for tail, method in [("", "GET"), ("", "DELETE"), ("/rotate", "POST")]
    },
    # Operators: no login; not ready here (no scheduler holds the lease in the tests).
    ("/healthz", "GET"): Case("/healthz", every(200)),
    ("/readyz", "GET"): Case("/readyz", every(503)),
    # The test client comes from 127.0.0.1, in the default METRICS_ALLOW_NETWORKS.
    ("/metrics", "GET"): Case("/metrics", every(200)),
    ("/api/v1/openapi.json", "GET"): Case("/api/v1/openapi.json", every(200)),
    ("/api/v1/docs", "GET"): Case("/api/v1/docs", every(200)),
    ("/api", "GET"): Case("/api", every(302)),
    ("/api/v1", "GET"): Case("/api/v1", every(302)),
    ("/api/v1/", "GET"): Case("/api/v1/", every(302)),
}

# Served by Flask itself, the same for everyone.
UNCHECKED = {("/static/<path:filename>", "GET")}


def test_every_route_has_an_entry(app):
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = (rule.rule, method)
            if key not in MATRIX and key not in UNCHECKED:
                missing.append(key)
    assert not missing, f"routes without an authorization entry: {missing}"


def test_no_stale_entries(app):
    routes = {(rule.rule, method) for rule in app.url_map.iter_rules() for method in rule.methods}
    assert set(MATRIX) <= routes


@pytest.fixture
def scenario(app, org) -> dict:
    """A web question escalated to Bygglov and claimed by "member", the same with a
    question in a confidential subject area, plus one of everything the administration
    pages edit."""
    with app.app_context():
        agent = db.session.get(User, org.users.agent)
        member = db.session.get(User, org.users.member)
        bygg = db.session.get(Group, org.groups.bygg)
        secret_area = Category(name="Hemligt", confidential=True, default_group=bygg)
        db.session.add(secret_area)
        db.session.flush()
        made = []
        for category_id in (org.categories.avfall, secret_area.id):
            ticket, token = new_ticket(
                channel=Channel.WEB, category_id=category_id, citizen_email="eva@example.org"
            )
            services.escalate(ticket, agent, bygg)
            services.claim(ticket, member)
            made.append((ticket, token))
        (ticket, token), (secret, _token) = made
        assert attachments.store_incoming(ticket, [("brev.pdf", None, b"%PDF-1.4")]) == []
        assert secret.confidential and secret.secrecy_group_id is None
        reason = CouldReason(name="Finns på webben")
        db.session.add(reason)
        db.session.commit()
        rule_id = db.session.query(RoutingRule.id).scalar()
        group = db.session.get(Group, org.groups.miljo)
        export_id = finished_export(db.session.get(User, org.users.manager))
        outbox_id = db.session.scalar(select(OutgoingMail.id).order_by(OutgoingMail.id))
        call = calls.receive(
            "answered", call_id="m-1", number="070-123 45 67", agent_email=agent.email
        )
        db.session.commit()
        return {
            "ref": ticket.reference,
            "secret_ref": secret.reference,
            "token": token,
            "user_id": org.users.agent2,
            "department_id": group.department_id,
            "group_id": group.id,
            "category_id": org.categories.avfall,
            "rule_id": rule_id,
            "reason_id": reason.id,
            "export_id": export_id,
            "outbox_id": outbox_id,
            **webhook(ticket),
            "call_id": call.id,
            "attachment_id": db.session.scalar(select(Attachment.id)),
            "mail_id": quarantined_mail(),
            **knowledge(org),
            "today": date.today().isoformat(),
            "tomorrow": (date.today() + timedelta(days=1)).isoformat(),
        }


def webhook(ticket) -> dict:
    """A subscription (to a public address, stored as the service would) with a
    delivery about ``ticket``."""
    sub = WebhookSubscription(
        url="https://hooks.example.org/in",
        events=["ticket.created"],
        scopes=[],
        secret=new_secret(),
        created_at=utcnow(),
        active=True,
    )
    db.session.add(sub)
    db.session.flush()
    delivery = WebhookDelivery(
        subscription_id=sub.id,
        webhook_id=new_webhook_id(),
        type="ticket.created",
        ticket_id=ticket.id,
        payload="{}",
        status="delivered",
        attempts=1,
    )
    db.session.add(delivery)
    db.session.commit()
    return {"webhook_sub": sub.id, "webhook_delivery": delivery.id}


def knowledge(org) -> dict:
    """A published article of Bygglov with an English translation, and a template
    shared in kundtjänst."""
    agent = db.session.get(User, org.users.agent)
    article = kb_services.create_article(
        None,
        kb_services.ArticleFields(
            title="Altan",
            summary="Kräver ofta bygglov.",
            body="",
            group=db.session.get(Group, org.groups.bygg),
            state=ArticleState.PUBLISHED,
        ),
    )
    kb_translations.save(
        article, None, "en", kb_translations.TranslationFields("Porch", "Often needs a permit.")
    )
    template = kb_services.save_template(
        None,
        agent,
        name="Tack",
        body="Hej {namn}",
        group=db.session.get(Group, org.groups.kundtjanst),
    )
    db.session.commit()
    return {"article_id": article.id, "template_id": template.id}


def quarantined_mail() -> int:
    """An incoming mail nobody could read, waiting in the quarantine."""
    row = InboundMail(
        message_id="",
        content_hash="0" * 64,
        raw=b"\x00not a mail",
        size=12,
        mailbox="test",
        received_at=utcnow(),
        status=QUARANTINED,
        reason=UNPARSEABLE,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def finished_export(user: User) -> int:
    """An export of today, asked for by ``user`` and produced by the job."""
    today = date.today()
    chosen = export_services.Chosen(Period(today, today), None, None, None, None)
    export = export_services.request_export(user, ExportKind.CSV, chosen, utcnow())
    db.session.commit()
    produce(utcnow())
    db.session.commit()
    return export.id


CASES = [
    pytest.param(key, role, id=f"{key[1]} {key[0]} as {role}")
    for key in sorted(MATRIX)
    for role in ROLES
]


@pytest.mark.parametrize(("key", "role"), CASES)
def test_route_outcome(login_as, scenario, key, role):
    case = MATRIX[key]
    expected = case.expected[ROLES.index(role)]
    client = login_as(role)
    url = case.url.format(**scenario)
    method = key[1]
    # Every real form carries at least its CSRF token, so never post an empty body.
    data = {"_": "1", **(case.data or {})}
    response = client.open(url, method=method, data=data if method == "POST" else None)
    if expected == "login":
        assert response.status_code == 302, response.status_code
        assert "/logga-in" in response.headers["Location"]
    else:
        assert response.status_code == expected, (
            f"{method} {url} as {role}: {response.status_code}, expected {expected}"
        )
    assert response.status_code != 500
