"""Configuration classes. Secrets come from the environment only."""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    ENV_NAME = "development"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL: str | None = os.environ.get("REDIS_URL") or None

    MAIL_SERVER: str | None = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Answerable <no-reply@localhost>")
    #: Without MAIL_SERVER the outbox worker prints mail to the console instead of sending it.
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)

    #: Domain of the Reply-To and bounce addresses that delivery emails carry
    #: (campaign.deliveries.addresses); its mail must reach `flask inbox serve` or the IMAP
    #: mailbox that `flask inbox fetch` reads. Empty: appeals cannot be delivered by email.
    REPLY_TO_DOMAIN = os.environ.get("REPLY_TO_DOMAIN", "").strip().lower()
    #: Inbound mail (campaign.inbox): a larger message is refused (SMTP 552; left in the
    #: IMAP mailbox).
    INBOX_MAX_MESSAGE_BYTES = _int("INBOX_MAX_MESSAGE_BYTES", 10 * 1024 * 1024)
    #: The mailbox `flask inbox fetch` polls, and `flask worker` every IMAP_POLL_SECONDS when
    #: IMAP_HOST is set. IMAP_TLS: ssl (port 993), starttls or none (refused unless IMAP_HOST
    #: is a loopback address).
    IMAP_HOST = os.environ.get("IMAP_HOST") or None
    IMAP_PORT = _int("IMAP_PORT", 993)
    IMAP_USER = os.environ.get("IMAP_USER") or None
    IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD") or None
    IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
    IMAP_TLS = os.environ.get("IMAP_TLS", "ssl").strip().lower()
    IMAP_POLL_SECONDS = _int("IMAP_POLL_SECONDS", 60)
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    #: The master key that wraps every data key (campaign.core.datakeys): a file outside the
    #: database, made by `flask keys init` (default: instance/data.key). Back it up apart
    #: from the database: without it the encrypted data cannot be read.
    DATA_KEY_FILE: str | None = os.environ.get("DATA_KEY_FILE") or None
    #: Seconds a process keeps unwrapped data keys; a shred applies in other processes
    #: within this time (at once in the one that shreds).
    DATA_KEY_CACHE_SECONDS = float(os.environ.get("DATA_KEY_CACHE_SECONDS", "5"))
    #: The legal term an authority has to answer, in working days, when its own is not set.
    #: 14: Kyrgyz Republic, Law No. 67 of 4 May 2007 "On the procedure for considering
    #: citizens' appeals", article 8(1) (appeals are considered within 14 working days).
    RESPONSE_TERM_WORKING_DAYS = _int("RESPONSE_TERM_WORKING_DAYS", 14)
    DATA_RETENTION_DAYS = _int("DATA_RETENTION_DAYS", 365)
    #: The UTC hour from which `flask worker` runs its nightly chores (the privacy purge, the
    #: check of the counters), once a day.
    NIGHTLY_HOUR = _int("NIGHTLY_HOUR", 2)
    #: Days after closing that `privacy purge` keeps signers' personal data of an at_risk
    #: appeal whose own retention_days is not set (standard ones use DATA_RETENTION_DAYS).
    AT_RISK_RETENTION_DAYS = _int("AT_RISK_RETENTION_DAYS", 30)
    #: On an at_risk appeal's public figures, countries with fewer confirmed signers than this
    #: are folded into "other" (standard appeals fold below 10).
    AT_RISK_COUNTRY_MIN_SIGNATURES = _int("AT_RISK_COUNTRY_MIN_SIGNATURES", 50)
    #: Markdown the operator writes for /privacy (who runs the instance, contact,
    #: jurisdiction); a relative path is under the instance folder. Absent: no such section.
    PRIVACY_PAGE_FILE = os.environ.get("PRIVACY_PAGE_FILE", "privacy.md")
    #: Sent or failed outbox messages are blanked by `privacy purge` after this many days.
    OUTBOX_RETENTION_DAYS = _int("OUTBOX_RETENTION_DAYS", 30)
    #: How long the "see or erase my data" link in a signer's emails works.
    DATA_TOKEN_MAX_AGE = _int("DATA_TOKEN_MAX_AGE", 400 * 24 * 3600)
    #: How many proxies in front of the app set X-Forwarded-For; 0 ignores the header.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token instead
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False

    BABEL_DEFAULT_LOCALE = "en"
    #: Compiled catalogs (`make translations`); a string missing there falls back to English.
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parents[2] / "translations")
    LANGUAGES = ("en", "ru", "ky")
    #: Who runs this instance, shown in the header and introduced on the home page. Empty
    #: SITE_DESCRIPTION: a translated default sentence (campaign.core.templating).
    SITE_NAME = os.environ.get("SITE_NAME", "").strip() or "Answerable"
    SITE_DESCRIPTION = os.environ.get("SITE_DESCRIPTION", "").strip()

    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = False
    #: A sliding window: a fixed one lets a burst through at each window boundary.
    RATELIMIT_STRATEGY = "moving-window"
    #: When the rate-limit storage (Redis) is unreachable: True keeps the site answering, with
    #: limits counted in process memory and a warning in the log; False turns such requests
    #: into errors (fail closed). Flask-Limiter reads the derived settings once per process.
    RATELIMIT_FAIL_OPEN = _bool("RATELIMIT_FAIL_OPEN", True)
    #: Seconds to wait for Redis (rate limits, cache) before treating it as down.
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "2"))
    #: Limits for the public write paths (signing, endorsing), per client address.
    SIGN_RATE_LIMIT = os.environ.get("SIGN_RATE_LIMIT", "10/minute;100/hour")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10/minute")
    #: Failed logins from one address that lock that address out of that email, and for how
    #: long; past LOGIN_BACKOFF_AFTER failures from all addresses, each failure closes the
    #: email to everyone for a doubling window of at most LOGIN_BACKOFF_MAX_SECONDS
    #: (campaign/accounts/lockout.py).
    LOGIN_LOCKOUT_FAILURES = _int("LOGIN_LOCKOUT_FAILURES", 5)
    LOGIN_LOCKOUT_SECONDS = _int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
    LOGIN_BACKOFF_AFTER = _int("LOGIN_BACKOFF_AFTER", 10)
    LOGIN_BACKOFF_MAX_SECONDS = _int("LOGIN_BACKOFF_MAX_SECONDS", 60)
    #: Seconds each process keeps the abuse blocklists in memory (every signature checks them).
    #: A change applies at once in the process that made it, in the others within this time.
    BLOCKLIST_CACHE_SECONDS = _int("BLOCKLIST_CACHE_SECONDS", 10)

    #: Tokens in mailed links: confirmation and withdrawal lifetimes, in seconds.
    CONFIRM_TOKEN_MAX_AGE = _int("CONFIRM_TOKEN_MAX_AGE", 7 * 24 * 3600)
    WITHDRAW_TOKEN_MAX_AGE = _int("WITHDRAW_TOKEN_MAX_AGE", 400 * 24 * 3600)

    API_TITLE = "Answerable API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    #: Build Flask-Migrate (and load Alembic) in this app: None decides by itself (the
    #: `flask` command and tests do, web workers do not: see docs/performance.md).
    MIGRATIONS: bool | None = None

    #: Seconds an anonymous visitor's appeal page may be served from the cache (0: off).
    APPEAL_PAGE_CACHE_SECONDS = _int("APPEAL_PAGE_CACHE_SECONDS", 5)

    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    #: Wall-clock seconds Markdown may take to render when a text is saved; a text that takes
    #: longer is refused as too complex (campaign.core.markdown_fields).
    MARKDOWN_RENDER_SECONDS = float(os.environ.get("MARKDOWN_RENDER_SECONDS", "2"))
    #: Bytes in an API request body (JSON only, no uploads): an appeal with 50 demands, every
    #: field at its limit and a 100,000-character body, all as \\u escapes, is about 2.1 MB.
    API_MAX_CONTENT_LENGTH = _int("API_MAX_CONTENT_LENGTH", 4 * 1024 * 1024)
    SQLITE_BUSY_TIMEOUT_MS = 15000
    #: CLI commands and workers write after reading: take the write lock at BEGIN.
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS = True
    #: Writers queue on a lock file beside the database instead of SQLite's sleeping busy
    #: handler (campaign.core.engine.WriterQueue).
    SQLITE_WRITE_QUEUE = _bool("SQLITE_WRITE_QUEUE", True)


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    WTF_CSRF_ENABLED = False
    MAIL_DEFAULT_SENDER = "Answerable <no-reply@answerable.test>"
    #: Tests send real SMTP to a loopback sink; Flask-Mail would suppress it under TESTING.
    MAIL_SUPPRESS_SEND = False
    BASE_URL = "http://localhost"
    REDIS_URL = os.environ.get("TEST_REDIS_URL") or None
    PASSWORD_HASH_FAST = True
    #: Tests read the page right after changing data; the page cache has its own tests.
    APPEAL_PAGE_CACHE_SECONDS = 0
    BLOCKLIST_CACHE_SECONDS = 0
    DATA_KEY_CACHE_SECONDS = 0
    #: The test thread reads factory objects while a live server writes: with IMMEDIATE it would
    #: hold SQLite's write lock between statements and stall the server.
    SQLITE_IMMEDIATE_OUTSIDE_REQUESTS = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(app, config: str | type | dict | None, overrides: dict) -> None:
    """Apply the chosen config class, then explicit overrides, then derived defaults."""
    if config is None:
        config = os.environ.get("APP_ENV", "development")
    if isinstance(config, str):
        if config not in CONFIGS:
            raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {config!r}")
        config = CONFIGS[config]
    if isinstance(config, dict):
        app.config.from_object(DevelopmentConfig)
        app.config.update(config)
    else:
        app.config.from_object(config)
    app.config.update(overrides)
    _fill_defaults(app)


def _fill_defaults(app) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] != "production":
            app.config["SECRET_KEY"] = _development_secret(instance)
        elif not _running_doctor():  # the doctor builds anyway, to say what is wrong
            raise RuntimeError("SECRET_KEY must be set in production (APP_ENV=production).")
    _data_key_file(app, instance)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'answerable.db'}"
    app.config.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    redis_url = app.config.get("REDIS_URL")
    # Without Redis: limits' memory storage with a cheap sweep (campaign/core/ratelimit_storage.py).
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "answerable-memory://")
    # Set whatever the storage: Flask-Limiter's limiter object is shared by every app in the
    # process and keeps the first app's values, and with memory:// nothing can fail anyway.
    fail_open = bool(app.config.get("RATELIMIT_FAIL_OPEN", True))
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", fail_open)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", fail_open)
    if redis_url:
        timeout = float(app.config.get("REDIS_TIMEOUT", 2))
        redis_options = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(redis_options))
        # Cache errors (Redis down) degrade to no cache with a warning, never an error page.
        cache_type = app.config.setdefault("CACHE_TYPE", "campaign.core.cache.FailSafeRedisCache")
        app.config.setdefault("CACHE_REDIS_URL", redis_url)
        if "Redis" in cache_type:  # the options are redis-py's; another cache type refuses them
            app.config.setdefault("CACHE_OPTIONS", dict(redis_options))
    else:
        app.config.setdefault("CACHE_TYPE", "SimpleCache")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", 60)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is the only PostgreSQL driver installed.
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("postgresql"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_size", _int("DB_POOL_SIZE", 5))
        options.setdefault("max_overflow", _int("DB_MAX_OVERFLOW", 5))
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _data_key_file(app, instance: Path) -> None:
    """Production refuses to start without the master key file (a `flask` command may run,
    for `flask keys init`); elsewhere it is made on first use, like the development secret."""
    from campaign.core.datakeys import create_key_file

    path = Path(app.config.get("DATA_KEY_FILE") or instance / "data.key")
    app.config["DATA_KEY_FILE"] = str(path)
    if path.exists():
        return
    if app.config["ENV_NAME"] == "production":
        if os.environ.get("FLASK_RUN_FROM_CLI") == "true":
            return  # commands that need it say so; `flask keys init` makes it
        raise RuntimeError(
            f"DATA_KEY_FILE ({path}) does not exist: create it with `flask keys init` "
            "(APP_ENV=production)."
        )
    with contextlib.suppress(FileExistsError):  # another process made it first
        create_key_file(path)


def _running_doctor() -> bool:
    """`flask [options] doctor`: the one command that must run on a broken configuration.
    Read from the command line because the app is built before click picks the command."""
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return False
    args = iter(sys.argv[1:])
    for arg in args:
        if arg in ("--app", "-A", "--env-file", "-e"):
            next(args, None)  # the option's value
        elif not arg.startswith("-"):
            return arg == "doctor"
    return False


def _development_secret(instance: Path) -> str:
    """A per-checkout secret so sessions and tokens survive restarts of `make run`."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
