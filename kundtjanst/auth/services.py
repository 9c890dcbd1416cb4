"""Creating and changing staff users (shared by the admin screens and the CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..org.models import Group
from .models import Role, User

MIN_PASSWORD_LENGTH = 10


class UserError(ValueError):
    """Input that cannot make a valid user; the message is shown as it is."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise UserError(_l("Enter a valid e-mail address.")) from error


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            _l("The password must be at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )


def email_taken(email: str, except_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if except_id is not None:
        stmt = stmt.where(User.id != except_id)
    return db.session.scalar(stmt) is not None


def groups_by_slug(slugs: Sequence[str]) -> list[Group]:
    groups = list(db.session.scalars(select(Group).where(Group.slug.in_(list(slugs)))))
    missing = set(slugs) - {g.slug for g in groups}
    if missing:
        raise UserError(_l("No such group: %(slugs)s", slugs=", ".join(sorted(missing))))
    return groups


def create_user(
    *, email: str, name: str, role: Role, password: str, groups: Sequence[Group] = ()
) -> User:
    email = normalise_email(email)
    if email_taken(email):
        raise UserError(_l("A user with that e-mail already exists."))
    name = name.strip()
    if not name:
        raise UserError(_l("Enter a name."))
    check_password_strength(password)
    user = User(email=email, name=name, role=Role(role), groups=list(groups))
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
