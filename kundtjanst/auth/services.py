"""Creating and changing staff users (shared by the admin screens and the CLI)."""

from __future__ import annotations

from collections.abc import Sequence

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from ..audit import services as audit
from ..extensions import db
from ..lazytext import lazy_gettext as _l
from ..org.models import Group
from . import throttle
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


def audited_fields(user: User) -> dict:
    """What the audit log compares when a user changes (never the password or its hash)."""
    return {
        **audit.fields(user, ("email", "name", "role", "active")),
        "groups": sorted(g.slug for g in user.groups),
    }


def create_user(
    *,
    email: str,
    name: str,
    role: Role,
    password: str,
    groups: Sequence[Group] = (),
    active: bool = True,
) -> User:
    email = normalise_email(email)
    if email_taken(email):
        raise UserError(_l("A user with that e-mail already exists."))
    name = name.strip()
    if not name:
        raise UserError(_l("Enter a name."))
    check_password_strength(password)
    user = User(email=email, name=name, role=Role(role), groups=list(groups), active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record_change("user", user.id, {}, audited_fields(user))
    return user


class UserFieldError(UserError):
    """A `UserError` about one input, so a form can show it next to that field."""

    def __init__(self, field: str, message) -> None:
        super().__init__(message)
        self.field = field


def update_user(
    user: User,
    *,
    email: str,
    name: str,
    role: Role,
    groups: Sequence[Group],
    active: bool,
    actor: User | None = None,
) -> User:
    """Change a user's details. ``actor`` (the administrator making the change)
    may not lock themselves out: no deactivating or demoting oneself."""
    try:
        email = normalise_email(email)
    except UserError as error:
        raise UserFieldError("email", str(error)) from error
    if email_taken(email, except_id=user.id):
        raise UserFieldError("email", _l("A user with that e-mail already exists."))
    name = name.strip()
    if not name:
        raise UserFieldError("name", _l("Enter a name."))
    role = Role(role)
    if actor is not None and actor.id == user.id:
        if not active:
            raise UserFieldError("active", _l("You cannot deactivate your own account."))
        if role != Role.ADMIN and user.role == Role.ADMIN:
            raise UserFieldError("role", _l("You cannot take away your own administrator role."))
    before = audited_fields(user)
    if user.active and not active:
        # Every session ends now, and stays ended if the account is reactivated.
        user.end_sessions()
    user.email = email
    user.name = name
    user.role = role
    user.groups = list(groups)
    user.active = active
    db.session.flush()
    audit.record_change("user", user.id, before, audited_fields(user))
    return user


def reset_password(user: User, password: str) -> None:
    """Give a user a new password (an administrator sets it); a lock-out after
    failed logins is lifted with it."""
    try:
        check_password_strength(password)
    except UserError as error:
        raise UserFieldError("password", str(error)) from error
    user.set_password(password)
    db.session.flush()
    audit.record("user.password", target=f"user:{user.id}")
    throttle.unlock_account(user.email)


def change_password(user: User, current: str, new: str) -> None:
    """A user's own new password, given the current one. Every other session of the
    user ends (the caller logs the current one in again)."""
    if not user.check_password(current):
        raise UserFieldError("current_password", _l("The current password is wrong."))
    try:
        check_password_strength(new)
    except UserError as error:
        raise UserFieldError("new_password", str(error)) from error
    if new == current:
        raise UserFieldError("new_password", _l("Choose a new password, not the one you have now."))
    user.set_password(new)
    db.session.flush()
    audit.record("auth.password_changed", target=f"user:{user.id}")


def choose_language(user: User, language: str, offered: tuple[str, ...]) -> None:
    """The language a user works in, one of ``offered`` (LANGUAGES)."""
    if language not in offered:
        raise UserFieldError("language", _l("Choose one of the options."))
    if user.language == language:
        return
    old, user.language = user.language, language
    db.session.flush()
    audit.record(
        "auth.language_changed", target=f"user:{user.id}", changes={"language": [old, language]}
    )
