"""Configuration: package defaults, then `instance/config.py`, then the environment.

Environment variables win over everything but explicit test overrides:

* ``SECRET_KEY`` — signs sessions and CSRF tokens. Without it a random key is
  generated once and kept in ``instance/secret_key``.
* ``DATABASE_URL`` — SQLAlchemy URL. Default: SQLite in ``instance/kundtjanst.db``.
  ``postgres://`` and ``postgresql://`` URLs are given the psycopg 3 driver.
* ``DATABASE_REPLICA_URL`` (or ``KUNDTJANST_DATABASE_REPLICA_URL``) — optional: a
  PostgreSQL streaming replica of that database for the heavy reads (the dashboard,
  its JSON, the API's ticket list and statistics, the export job); see
  ``kundtjanst/replica.py`` and the REPLICA_* settings below. Default: none, every
  read from the primary.
* ``KUNDTJANST_<NAME>`` — any other setting below, e.g. ``KUNDTJANST_MUNICIPALITY``.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

MIN_SECRET_LENGTH = 32


class Defaults:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    # Largest request body we accept; a bigger one gets a clear 413 page. The forms that
    # take files (the public question form) accept ATTACHMENT_REQUEST_BYTES instead.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Attachments (kundtjanst/attachments/): files a question may hold, how large each
    # and all together (bytes; 1 MB = 1,000,000), where their bytes are kept (empty:
    # instance/attachments), and the largest body of a form that takes files — above
    # the total, so that too many or too large files get a message on the form itself.
    ATTACHMENT_MAX_FILES = 5
    ATTACHMENT_MAX_FILE_BYTES = 10_000_000
    ATTACHMENT_MAX_TOTAL_BYTES = 25_000_000
    ATTACHMENT_DIR = ""
    ATTACHMENT_REQUEST_BYTES = 40_000_000
    # A form's token lasts 24 hours: WCAG 2.1 (2.2.1 Timing Adjustable) accepts a time
    # limit without a warning only when it is longer than 20 hours.
    WTF_CSRF_TIME_LIMIT = 24 * 3600
    # Log lines: "text", or "json" (one object a line, with the request id); requestlog.py.
    LOG_FORMAT = "text"
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    # Languages (kundtjanst/locales.py): staff work in one of LANGUAGES, chosen on their
    # account page; citizens read the public pages, and get every mail, in one of
    # CITIZEN_LANGUAGES. The default (BABEL_DEFAULT_LOCALE) is in both and is the
    # fallback. Each needs its catalogue in kundtjanst/translations. A municipality
    # outside the Finnish administrative area may drop "fi":
    # KUNDTJANST_CITIZEN_LANGUAGES=sv,en.
    LANGUAGES = ("sv", "en")
    CITIZEN_LANGUAGES = ("sv", "en", "fi")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Cookies marked Secure (sent over https only): "on", "off", or "auto" — on when
    # BASE_URL starts with https://. Sets SESSION_COOKIE_SECURE and REMEMBER_COOKIE_SECURE.
    SECURE_COOKIES = "auto"
    # A staff session ends after this many seconds without a request (8 hours). The
    # signed cookie carries its time, so the server refuses an older one too.
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    # Flask-Login's "strong" mode does nothing more than "basic" for permanent sessions;
    # logout and a password change end every session instead (users.session_version).
    SESSION_PROTECTION = "basic"
    # Failed logins (and wrong current passwords) allowed per account and per client
    # address before the login answers 429; see kundtjanst/auth/throttle.py.
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    # Flask-Limiter: memory:// counts per process; several servers share a
    # redis://host:6379/0. If that storage fails, each process counts in memory.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "kundtjanst"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # The REST API (/api/v1): requests per token (in the storage above), the largest
    # request body, the page size of lists, and the generated OpenAPI document.
    API_RATE_LIMIT = "600/minute"
    API_MAX_BODY_BYTES = 256 * 1024
    API_PAGE_SIZE = 50
    API_MAX_PAGE_SIZE = 200
    API_TITLE = "En väg in API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.1.0"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Behind a reverse proxy: how many proxies to trust for each X-Forwarded-* header
    # (werkzeug's ProxyFix). 0 ignores the header.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PORT = 0
    PROXY_FIX_X_PREFIX = 0
    # Strict-Transport-Security on https responses; 0 sends none.
    HSTS_MAX_AGE = 365 * 24 * 3600
    # The public form: how long the receipt page shows the status link after a question
    # is sent, and how many questions and status-page messages one client address may
    # send (generous for a person; a municipal library's computers share an address).
    RECEIPT_MINUTES = 60
    QUESTION_LIMIT_PER_ADDRESS = "20 per hour"
    MESSAGE_LIMIT_PER_ADDRESS = "60 per hour"
    MUNICIPALITY = "Sjöstads kommun"
    # Customer service's address and number, shown to citizens (the accessibility
    # statement must say how to report a problem).
    CONTACT_EMAIL = "kundtjanst@sjostad.se"
    CONTACT_PHONE = "0123-45 67 00"
    PAGE_SIZE = 25
    # Where the application is reached: links in e-mails sent outside a request.
    BASE_URL = "http://127.0.0.1:5000"
    # Outgoing e-mail (to citizens and to groups). Without MAIL_SERVER a log line is
    # written instead. MAIL_USE_TLS: STARTTLS on MAIL_PORT; MAIL_USE_SSL: SMTPS.
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_FROM = "En väg in <noreply@localhost>"
    # Where citizens' answers to our mail go: the mailbox `mail fetch` reads. Empty:
    # CONTACT_EMAIL.
    MAIL_REPLY_TO = ""
    MAIL_TIMEOUT = 10
    # How long a message the server does not take is tried again before it is marked
    # failed, and how often the outbox is delivered (the job mail.send).
    MAIL_RETRY_HOURS = 24
    SCHEDULER_MAIL_SECONDS = 60
    # Incoming e-mail (kundtjanst/inbound/): the mailbox read over IMAP. Without
    # IMAP_HOST the job mail.fetch does nothing. IMAP_SECURITY: ssl, starttls or none.
    # IMAP_PROCESSED_FOLDER: move handled messages there instead of flagging them \Seen.
    IMAP_HOST = ""
    IMAP_PORT = 0  # 0: 993 with ssl, else 143
    IMAP_USERNAME = ""
    IMAP_PASSWORD = ""
    IMAP_SECURITY = "ssl"
    IMAP_FOLDER = "INBOX"
    IMAP_PROCESSED_FOLDER = ""
    IMAP_TIMEOUT = 30
    IMAP_BATCH = 100  # messages per FETCH
    SCHEDULER_FETCH_SECONDS = 60
    # The scheduler (`flask scheduler run`): see kundtjanst/jobs/.
    SCHEDULER_LEASE_SECONDS = 30
    SCHEDULER_RENEW_SECONDS = 10
    SCHEDULER_SLA_WATCH_MINUTES = 5
    SCHEDULER_HEARTBEAT_SECONDS = 0  # > 0: a trivial job this often (checks, tests)
    SCHEDULER_JOBS = ""  # comma-separated job names to run; empty: every job
    # Exports (kundtjanst/exports/): the job producing them looks for work this often
    # (0: never); a finished file is deleted after EXPORT_KEEP_HOURS; an export that has
    # shown no progress for EXPORT_STALE_MINUTES (its scheduler died) is tried again once.
    SCHEDULER_EXPORTS_SECONDS = 5
    EXPORT_KEEP_HOURS = 24
    EXPORT_STALE_MINUTES = 10
    # Webhooks (kundtjanst/webhooks/): the job webhooks.send looks for due deliveries this
    # often (0: never); a delivery the receiver does not take is tried again for
    # WEBHOOK_RETRY_HOURS; each POST waits WEBHOOK_TIMEOUT seconds at most. Receivers
    # on loopback, private, link-local and similar addresses are refused unless their
    # network is in WEBHOOK_ALLOW_NETWORKS (comma-separated CIDRs, e.g. "10.1.2.0/24").
    SCHEDULER_WEBHOOK_SECONDS = 30
    WEBHOOK_RETRY_HOURS = 24
    WEBHOOK_TIMEOUT = 10
    WEBHOOK_ALLOW_NETWORKS = ""
    # Prometheus metrics at /metrics (kundtjanst/ops/metrics.py): answered to clients in
    # METRICS_ALLOW_NETWORKS (comma-separated CIDRs; behind a reverse proxy the client's
    # address counts only with PROXY_FIX_X_FOR set) or with "Authorization: Bearer
    # <METRICS_TOKEN>" (empty: no token access); a 404 to anyone else.
    METRICS_ALLOW_NETWORKS = "127.0.0.0/8,::1/128"
    METRICS_TOKEN = ""
    # A streaming replica for the heavy reads (kundtjanst/replica.py); empty: none. Its
    # connections wait REPLICA_CONNECT_TIMEOUT seconds at most; past REPLICA_MAX_LAG_SECONDS
    # of replay lag the primary is read instead (under two minutes: the API's ticket sync
    # starts that much early, sync_from), and so it is for a signed-in user's reads within
    # REPLICA_AFTER_WRITE_SECONDS of a change of theirs.
    DATABASE_REPLICA_URL = ""
    REPLICA_CONNECT_TIMEOUT = 2
    REPLICA_MAX_LAG_SECONDS = 30
    REPLICA_AFTER_WRITE_SECONDS = 10
    # The dashboard caches what it reads from the daily rows per process until they
    # change; False (KUNDTJANST_STATS_CACHE=0) reads them on every request.
    STATS_CACHE = True


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance_path: Path) -> str:
    """Return the generated secret kept in the instance folder, creating it once."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key


def secure_cookies(config) -> bool:
    """SECURE_COOKIES: "on", "off", or "auto" (on when BASE_URL is an https address)."""
    setting = config.get("SECURE_COOKIES", "auto")
    if isinstance(setting, bool):
        return setting
    setting = str(setting).strip().lower()
    if setting == "auto":
        return str(config.get("BASE_URL", "")).lower().startswith("https://")
    if setting in {"1", "true", "yes", "on"}:
        return True
    if setting in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"SECURE_COOKIES must be on, off or auto, not {setting!r}.")


def _check_languages(config) -> None:
    """Both language lists hold the default, each entry a language Babel knows."""
    from babel import Locale, UnknownLocaleError

    default = config["BABEL_DEFAULT_LOCALE"]
    for key in ("LANGUAGES", "CITIZEN_LANGUAGES"):
        config[key] = tuple(config[key])
        if default not in config[key]:
            raise RuntimeError(f"{key} must include the default language {default!r}.")
        for code in config[key]:
            try:
                Locale.parse(code)
            except (ValueError, UnknownLocaleError):
                raise RuntimeError(f"{key}: {code!r} is not a language code.") from None


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _coerce(name: str, value: str, current: Any) -> Any:
    """An environment variable's text as the type of the setting it replaces; a value
    that is no such thing stops the start with the variable's name, not a traceback
    from deep inside (nor is "ja" quietly taken for off)."""
    if isinstance(current, tuple):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(current, bool):
        word = value.strip().lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise RuntimeError(f"{name} must be on or off (1/0, true/false, yes/no), not {value!r}.")
    if isinstance(current, int):
        try:
            return int(value)
        except ValueError:
            raise RuntimeError(f"{name} must be a whole number, not {value!r}.") from None
    return value


def json_text(value: Any) -> str:
    """JSON columns as the database keeps them: "förvaltning" as written, not
    "f\\u00f6rvaltning", so a search in their text (the audit log's) finds å, ä and ö."""
    return json.dumps(value, ensure_ascii=False)


def load(app, overrides: dict[str, Any] | None = None) -> None:
    """Fill ``app.config`` in layers and check it is safe to run."""
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)

    for key in list(app.config):
        env_value = os.environ.get(f"KUNDTJANST_{key}")
        if env_value is not None:
            app.config[key] = _coerce(f"KUNDTJANST_{key}", env_value, app.config[key])

    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("DATABASE_REPLICA_URL"):
        app.config["DATABASE_REPLICA_URL"] = os.environ["DATABASE_REPLICA_URL"]

    app.config.update(overrides or {})

    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(instance_path / "kundtjanst.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # SQLite has no pool worth pinging, and tests share one file across threads.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": 30, "check_same_thread": False}
        }
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "json_serializer": json_text,
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
    }
    if app.config["DATABASE_REPLICA_URL"]:
        replica = normalise_database_url(app.config["DATABASE_REPLICA_URL"])
        if not replica.startswith("postgresql"):
            raise RuntimeError("DATABASE_REPLICA_URL must be a PostgreSQL streaming replica.")
        app.config["DATABASE_REPLICA_URL"] = replica
        if not 0 < app.config["REPLICA_MAX_LAG_SECONDS"] < 120:
            raise RuntimeError(
                "REPLICA_MAX_LAG_SECONDS must be from 1 to 119: the API's ticket sync "
                "reads two minutes back, so a replica further behind could miss changes."
            )

    if app.config["ATTACHMENT_REQUEST_BYTES"] <= app.config["ATTACHMENT_MAX_TOTAL_BYTES"]:
        raise RuntimeError(
            "ATTACHMENT_REQUEST_BYTES must be above ATTACHMENT_MAX_TOTAL_BYTES: a form with "
            "files over the limits must reach the form to be told so."
        )

    _check_languages(app.config)

    from .core.netguard import parse_networks

    for key in ("WEBHOOK_ALLOW_NETWORKS", "METRICS_ALLOW_NETWORKS"):
        try:
            parse_networks(app.config[key])
        except ValueError as error:
            raise RuntimeError(f"{key}: {error}") from None

    secure = secure_cookies(app.config)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance_path)
    if len(app.config["SECRET_KEY"]) < MIN_SECRET_LENGTH and not (app.debug or app.testing):
        raise RuntimeError(
            f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters outside debug mode."
        )
