"""Administration of routing rules (styrningsregler): tried in order, first match wins."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import choices
from ..core.errors import InvalidChange
from ..core.routing import parse_keywords
from ..core.vocabulary import Channel, Priority
from ..extensions import db
from ..forms import ButtonForm
from ..lazytext import lazy_gettext as _l
from ..org.models import Category, Group
from ..routing import queries, services
from ..routing.forms import RuleForm
from ..routing.models import RoutingRule
from ..web import form_status, show_error
from .blueprint import bp, delete_view, get_or_404


@bp.get("/regler")
def rules():
    return render_template(
        "admin/rules.html", rules=queries.rules_in_order(), parse_keywords=parse_keywords
    )


def _rule_data(form: RuleForm) -> services.RuleData:
    category_id = form.category_id.data
    return services.RuleData(
        name=form.name.data,
        active=form.active.data,
        channel=Channel(form.channel.data) if form.channel.data else None,
        category=db.session.get(Category, category_id) if category_id else None,
        keywords=form.keywords.data,
        email_domain=form.email_domain.data,
        group=db.session.get(Group, form.group_id.data),
        priority=Priority(form.priority.data) if form.priority.data else None,
        language=form.language.data or None,
    )


@bp.route("/regler/ny", methods=["GET", "POST"])
@bp.route("/regler/<int:rule_id>/redigera", methods=["GET", "POST"])
def edit_rule(rule_id: int | None = None):
    rule = get_or_404(RoutingRule, rule_id) if rule_id is not None else None
    form = RuleForm(obj=rule)
    form.channel.choices = choices.channels(_l("Any channel"))
    form.priority.choices = choices.priorities(_l("Keep the ticket's priority"))
    form.category_id.choices = choices.categories(
        _l("Any subject area"), current_id=rule.category_id if rule else None
    )
    form.group_id.choices = choices.groups(
        _l("Choose a group"), current_id=rule.group_id if rule else None
    )
    form.language.choices = choices.languages(
        _l("Any language"), current=rule.language if rule else None
    )
    if form.validate_on_submit():
        try:
            saved = services.save_rule(rule, _rule_data(form))
        except InvalidChange as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The routing rule %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("admin.rules"))
    return render_template("admin/rule_form.html", form=form, rule=rule), form_status()


def _move(rule_id: int, step: int):
    rule = get_or_404(RoutingRule, rule_id)
    if ButtonForm().validate_on_submit() and services.move_rule(rule, step):
        db.session.commit()
        flash(_("The rule %(name)s was moved.", name=rule.name), "success")
    return redirect(url_for("admin.rules", _anchor=f"rule-{rule.id}"))


@bp.post("/regler/<int:rule_id>/flytta-upp")
def move_rule_up(rule_id: int):
    return _move(rule_id, -1)


@bp.post("/regler/<int:rule_id>/flytta-ned")
def move_rule_down(rule_id: int):
    return _move(rule_id, +1)


@bp.route("/regler/<int:rule_id>/ta-bort", methods=["GET", "POST"])
def delete_rule(rule_id: int):
    rule = get_or_404(RoutingRule, rule_id)
    return delete_view(
        question=_("Delete the routing rule %(name)s?", name=rule.name),
        consequence=_(
            "New questions are no longer routed by it; "
            "tickets it already routed stay where they are."
        ),
        back=url_for("admin.rules", _anchor=f"rule-{rule.id}"),
        delete=lambda: services.delete_rule(rule),
        done=_("The routing rule %(name)s was deleted.", name=rule.name),
        after=url_for("admin.rules"),
    )
