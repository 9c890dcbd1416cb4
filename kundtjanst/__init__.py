"""En väg in: a citizen-service desk for Swedish municipalities."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import joinedload

from . import catalogues, config, i18n, locales, replica
from .extensions import babel, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """The instance folder (instance/config.py, a generated secret_key, attachments by
    default): KUNDTJANST_INSTANCE_PATH, e.g. /var/lib/kundtjanst when the code is
    installed read-only; else ``instance/`` beside the code."""
    configured = os.environ.get("KUNDTJANST_INSTANCE_PATH")
    return Path(configured).resolve() if configured else ROOT / "instance"


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Application factory. ``overrides`` wins over every other configuration layer."""
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, overrides)
    register_errorhandlers(app)  # first: its request guards run before any extension's
    register_extensions(app)
    catalogues.ensure(app)  # each language's .mo built, or the start fails
    register_blueprints(app)
    register_security(app)
    register_template_helpers(app)
    register_commands(app)
    register_jobs()
    register_signals()
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every model registered before Alembic looks)
    from .kb.search import include_name as search_index_tables_excluded

    db.init_app(app)
    from .errors import close_session

    app.teardown_appcontext(close_session)  # runs before Flask-SQLAlchemy's
    replica.init_app(app)  # heavy reads from DATABASE_REPLICA_URL, when set
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
        include_name=search_index_tables_excluded,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=locales.select)
    i18n.install(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from .lazytext import lazy_gettext as _l

    login_manager.login_message = _l("Please log in to see that page.")

    @login_manager.user_loader
    def load_user(session_id: str):
        from .auth.models import User
        from .forms import MAX_ID

        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
            return None
        # With the user's groups in the same query: nearly every page asks for them.
        user = db.session.get(User, int(user_id), options=[joinedload(User.groups)])
        # A deactivated user's sessions end at once; so do all sessions from before
        # a logout or a new password (the version in the cookie is then out of date).
        if user is None or not user.active or str(user.session_version) != version:
            return None
        return user

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from sqlalchemy import event

        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .api import setup as api
    from .attachments.views import bp as attachments_bp
    from .auth.views import bp as auth_bp
    from .calls.views import bp as calls_bp
    from .exports.views import bp as exports_bp
    from .intake.views import bp as intake_bp
    from .kb.public_views import bp as faq_bp
    from .kb.views import bp as kb_bp
    from .main import bp as main_bp
    from .ops.views import bp as ops_bp
    from .stats.views import bp as stats_bp
    from .tickets.views import bp as tickets_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(faq_bp)
    app.register_blueprint(tickets_bp)
    app.register_blueprint(attachments_bp)
    app.register_blueprint(stats_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(kb_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    api.init_app(app)  # /api/v1: its blueprints, and the OpenAPI document


def register_security(app: Flask) -> None:
    """Security headers, the reverse-proxy settings, login throttling, and the status
    tokens masked in the logs."""
    from . import logmask, requestlog, security
    from .auth import throttle
    from .intake import throttle as public_limits

    security.init_app(app)
    throttle.init_app(app)
    public_limits.init_app(app)
    logmask.install(app)
    requestlog.install(app)


def register_errorhandlers(app: Flask) -> None:
    from .errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import register

    register(app)


def register_commands(app: Flask) -> None:
    """Each feature's command group (its cli.py); nothing else imports them."""
    from .api.cli import api_cli
    from .auth.cli import users_cli
    from .demo.cli import demo_cli
    from .inbound.cli import fetch_command
    from .jobs.cli import scheduler_cli
    from .kb.cli import kb_cli
    from .mail.cli import mail_cli
    from .retention.cli import retention_cli
    from .stats.cli import stats_cli
    from .webhooks.cli import webhooks_cli

    for group in (
        users_cli,
        demo_cli,
        scheduler_cli,
        mail_cli,
        retention_cli,
        stats_cli,
        kb_cli,
        api_cli,
        webhooks_cli,
    ):
        app.cli.add_command(group)
    mail_cli.add_command(fetch_command)  # flask mail fetch: incoming mail


def register_jobs() -> None:
    """Every scheduled job, in one list: each lives with its feature (its jobs.py)."""
    from .api.jobs import tidy_idempotency
    from .attachments.jobs import sweep as sweep_attachments
    from .exports.jobs import produce as produce_exports
    from .inbound.jobs import fetch_mail
    from .intake.jobs import tidy_receipts
    from .jobs.heartbeat import heartbeat
    from .jobs.registry import register
    from .kb.jobs import review_reminder
    from .mail.jobs import send_mail
    from .retention.jobs import nightly_retention
    from .stats.jobs import snapshot
    from .tickets.jobs import sla_watch, unclaimed_alert
    from .webhooks.jobs import send_webhooks

    register(
        sla_watch,
        unclaimed_alert,
        send_mail,
        fetch_mail,
        nightly_retention,
        snapshot,
        produce_exports,
        tidy_receipts,
        sweep_attachments,
        heartbeat,
        review_reminder,
        tidy_idempotency,
        send_webhooks,
    )


def register_signals() -> None:
    """Features that follow another's changes subscribe here (blinker signals)."""
    from .citizenmail.services import subscribe as tell_citizens
    from .stats.services import subscribe as keep_figures
    from .webhooks.events import subscribe as write_webhooks

    keep_figures()
    tell_citizens()
    write_webhooks()
