"""Administration of staff users: list, create, edit, new password.

Users are never deleted (tickets and their timelines refer to them); they are
deactivated. The logic is shared with ``flask users`` in ``auth.services``.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import choices
from ..auth.forms import NewUserForm, PasswordForm, UserForm
from ..auth.models import Role, User
from ..auth.queries import users_with_groups
from ..auth.services import UserError, UserFieldError, create_user, reset_password, update_user
from ..extensions import db
from ..org.models import Group
from ..tickets.claims import release_unworkable
from ..web import form_status, show_error
from .blueprint import bp, get_or_404


def _groups(ids: list[int]) -> list[Group]:
    return list(db.session.scalars(select(Group).where(Group.id.in_(ids)).order_by(Group.name)))


@bp.get("/anvandare")
def users():
    return render_template("admin/users.html", users=users_with_groups())


@bp.route("/anvandare/ny", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    form.memberships.choices = choices.every_group()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                password=form.password.data,
                groups=_groups(form.memberships.data),
                active=form.active.data,
            )
        except UserError as error:
            # The form has checked everything else: what is left is the e-mail being taken.
            show_error(form, "email", str(error))
        else:
            db.session.commit()
            flash(_("The user %(name)s was created.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), form_status()


@bp.route("/anvandare/<int:user_id>/redigera", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_or_404(User, user_id)
    form = UserForm(obj=user, memberships=[g.id for g in user.groups])
    form.memberships.choices = choices.every_group()
    if form.validate_on_submit():
        try:
            update_user(
                user,
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                groups=_groups(form.memberships.data),
                active=form.active.data,
                actor=current_user,
            )
        except UserFieldError as error:
            show_error(form, error.field, str(error))
        else:
            # Deactivated, or out of a group: their claims there go back to the queue.
            release_unworkable(user, current_user)
            db.session.commit()
            flash(_("The changes to %(name)s were saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user), form_status()


@bp.route("/anvandare/<int:user_id>/losenord", methods=["GET", "POST"])
def user_password(user_id: int):
    user = get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(user, form.password.data)
        except UserFieldError as error:
            show_error(form, error.field, str(error))
        else:
            db.session.commit()
            flash(_("%(name)s has a new password.", name=user.name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_password.html", form=form, user=user), form_status()
