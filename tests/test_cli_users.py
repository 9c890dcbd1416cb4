"""``flask users create``."""

from sqlalchemy import select

from kundtjanst.auth.models import Role, User
from kundtjanst.extensions import db


def test_create_user_with_groups(app, runner, org):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Ny@Sjostad.Se",
            "--name",
            "Nina Ny",
            "--role",
            "staff",
            "--group",
            "kundtjanst",
            "--group",
            "bygglov",
            "--password",
            "ett långt lösenord",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny@sjostad.se"))
        assert user.role == Role.STAFF
        assert {g.slug for g in user.groups} == {"kundtjanst", "bygglov"}
        assert user.check_password("ett långt lösenord")


def test_password_is_prompted_when_not_given(app, runner, org):
    result = runner.invoke(
        args=["users", "create", "--email", "chef2@sjostad.se", "--name", "C", "--role", "manager"],
        input="hemligt-lösen-123\nhemligt-lösen-123\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "chef2@sjostad.se"))
        assert user.check_password("hemligt-lösen-123")


def test_bad_input_is_refused_and_nothing_stored(app, runner, org):
    existing = ["users", "create", "--email", "befintlig@sjostad.se", "--name", "B"]
    assert runner.invoke(args=[*existing, "--password", "tillräckligt långt"]).exit_code == 0
    cases = [
        (["--email", "not-an-email"], "e-postadress"),
        (["--email", "BEFINTLIG@sjostad.se"], "finns redan"),
        (["--group", "nosuchgroup"], "nosuchgroup"),
        (["--password", "kort"], "minst"),
    ]
    for extra, message in cases:
        args = {"--email": "x@sjostad.se", "--name": "X", "--password": "tillräckligt långt"}
        for i in range(0, len(extra), 2):
            args[extra[i]] = extra[i + 1]
        flat = [item for pair in args.items() for item in pair]
        result = runner.invoke(args=["users", "create", *flat])
        assert result.exit_code != 0
        assert message in result.output, result.output
    bad_role = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "y@sjostad.se",
            "--name",
            "Y",
            "--role",
            "superuser",
            "--password",
            "tillräckligt långt",
        ]
    )
    assert bad_role.exit_code != 0
    with app.app_context():
        emails = set(db.session.scalars(select(User.email)))
        assert "x@sjostad.se" not in emails and "y@sjostad.se" not in emails
