"""Administration of departments (förvaltningar) and groups."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import choices
from ..core.errors import InvalidChange
from ..core.vocabulary import GroupKind
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org import queries, services
from ..org.forms import DepartmentForm, GroupForm
from ..org.models import Department, Group
from ..web import form_status, show_error
from .blueprint import bp, delete_view, get_or_404

# --- departments ---------------------------------------------------------------


@bp.get("/forvaltningar")
def departments():
    return render_template("admin/departments.html", departments=queries.departments())


@bp.route("/forvaltningar/ny", methods=["GET", "POST"])
@bp.route("/forvaltningar/<int:department_id>/redigera", methods=["GET", "POST"])
def edit_department(department_id: int | None = None):
    department = get_or_404(Department, department_id) if department_id is not None else None
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        try:
            saved = services.save_department(department, form.name.data)
        except InvalidChange as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The department %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("admin.departments"))
    return render_template(
        "admin/department_form.html", form=form, department=department
    ), form_status()


@bp.route("/forvaltningar/<int:department_id>/ta-bort", methods=["GET", "POST"])
def delete_department(department_id: int):
    department = get_or_404(Department, department_id)
    return delete_view(
        question=_("Delete the department %(name)s?", name=department.name),
        consequence=_("The department is deleted for good."),
        back=url_for("admin.edit_department", department_id=department.id),
        blocker=lambda: services.why_department_stays(department),
        delete=lambda: services.delete_department(department),
        done=_("The department %(name)s was deleted.", name=department.name),
        after=url_for("admin.departments"),
    )


# --- groups ---------------------------------------------------------------------


@bp.get("/grupper")
def groups():
    return render_template(
        "admin/groups.html", groups=queries.groups(), members=queries.member_counts()
    )


def _group_data(form: GroupForm) -> services.GroupData:
    department_id = form.department_id.data
    return services.GroupData(
        slug=form.slug.data,
        name=form.name.data,
        kind=GroupKind(form.kind.data),
        department=db.session.get(Department, department_id) if department_id else None,
        confidential=form.confidential.data,
        email=form.email.data,
        active=form.active.data,
        sla_hours=form.sla_hours.data,
        unclaimed_alert_hours=form.unclaimed_alert_hours.data,
        successor=db.session.get(Group, form.successor_id.data) if form.successor_id.data else None,
    )


@bp.route("/grupper/ny", methods=["GET", "POST"])
@bp.route("/grupper/<int:group_id>/redigera", methods=["GET", "POST"])
def edit_group(group_id: int | None = None):
    group = get_or_404(Group, group_id) if group_id is not None else None
    form = GroupForm(obj=group)
    form.department_id.choices = choices.departments(_l("No department"))
    form.successor_id.choices = choices.groups(
        _l("None"), exclude_id=group.id if group else None, current_id=None
    )
    if form.validate_on_submit():
        try:
            saved = services.save_group(group, _group_data(form))
        except InvalidChange as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("The group %(name)s was saved.", name=saved.name), "success")
            return redirect(url_for("admin.groups"))
    return render_template("admin/group_form.html", form=form, group=group), form_status()


@bp.route("/grupper/<int:group_id>/ta-bort", methods=["GET", "POST"])
def delete_group(group_id: int):
    group = get_or_404(Group, group_id)
    return delete_view(
        question=_("Delete the group %(name)s?", name=group.name),
        consequence=_("The group is deleted for good, and its members leave it."),
        back=url_for("admin.edit_group", group_id=group.id),
        blocker=lambda: services.why_group_stays(group),
        delete=lambda: services.delete_group(group),
        done=_("The group %(name)s was deleted.", name=group.name),
        after=url_for("admin.groups"),
    )
