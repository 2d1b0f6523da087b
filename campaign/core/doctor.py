"""`flask doctor`: checks the configuration an operator gave, one line per finding.

Each check is a small function of a `Checkup` (the app's config, the environment, and whether
the database answered) that returns findings; the command prints them ("ERROR: ...",
"WARNING: ...", "ok: ...") and exits 1 when any is an error. A check that crashes is reported
as an error of that check, never as a traceback: the doctor must run on exactly the broken
configurations it exists to report (it even builds without SECRET_KEY in production,
campaign.core.config).

Decisions worth knowing (README, "Checking the configuration"):
- retention "unset" means the variable is absent from the environment in production: the
  defaults are reasonable, but what /privacy promises must be a choice, so an absent
  DATA_RETENTION_DAYS is an error and an absent AT_RISK_RETENTION_DAYS a warning (its
  default, 30 days, is the short, protective one);
- deliveries are "used" once any authority has a contact email or any delivery exists."""

from __future__ import annotations

import contextlib
import imaplib
import os
import smtplib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

ERROR, WARNING, OK = "ERROR", "WARNING", "ok"
#: Seconds to wait for each outside service: a doctor that hangs helps nobody.
TIMEOUT = 5
#: A key shorter than this, or with fewer distinct characters, is guessable or a placeholder.
MIN_SECRET_LENGTH = 32
MIN_SECRET_VARIETY = 10
#: Secrets that appear in this repository, its docs and common examples: public, so no secret.
KNOWN_SECRETS = frozenset(
    {
        "test-secret-key-not-for-production",
        "bench-secret-not-for-production",
        "worker-memory-test-secret-key",
        "dev",
        "development",
        "secret",
        "changeme",
        "change-me",
        "...",
    }
)


@dataclass(frozen=True)
class Finding:
    level: str
    message: str

    def line(self) -> str:
        return f"{self.level}: {self.message}"


def error(message: str) -> Finding:
    return Finding(ERROR, message)


def warning(message: str) -> Finding:
    return Finding(WARNING, message)


def ok(message: str) -> Finding:
    return Finding(OK, message)


@dataclass
class Checkup:
    config: Mapping
    environ: Mapping[str, str]
    #: Set by the database check: checks that read the tables skip them when False.
    database_ok: bool = field(default=False)

    @property
    def production(self) -> bool:
        return self.config.get("ENV_NAME") == "production"


# --- the checks ----------------------------------------------------------------------------------


def check_secret_key(checkup: Checkup) -> list[Finding]:
    key = checkup.config.get("SECRET_KEY") or ""
    if not key:
        return [error("SECRET_KEY is not set: set a long random value (e.g. 64 characters)")]
    if key.strip().lower() in KNOWN_SECRETS:
        return [error("SECRET_KEY is a known example value: replace it with a random one")]
    variety = len(set(key))
    if len(key) < MIN_SECRET_LENGTH or variety < MIN_SECRET_VARIETY:
        return [
            error(
                f"SECRET_KEY is weak ({len(key)} characters, {variety} distinct): use at least "
                f"{MIN_SECRET_LENGTH} random characters, e.g. python3 -c "
                "'import secrets; print(secrets.token_urlsafe(48))'"
            )
        ]
    return [ok(f"SECRET_KEY is set ({len(key)} characters, {variety} distinct)")]


def check_base_url(checkup: Checkup) -> list[Finding]:
    url = checkup.config.get("BASE_URL") or ""
    if checkup.production and not url.startswith("https://"):
        return [
            error(f"BASE_URL is {url!r}: in production it must start with https:// (mailed links)")
        ]
    return [ok(f"BASE_URL is {url}")]


def check_database(checkup: Checkup) -> list[Finding]:
    import sqlalchemy as sa

    from campaign.core.extensions import db

    url = db.engine.url
    shown = url.render_as_string(hide_password=True)
    # An engine of its own: one connection, closed after, with a bounded wait to connect.
    timeout = "connect_timeout" if url.get_backend_name() == "postgresql" else "timeout"
    engine = sa.create_engine(url, connect_args={timeout: TIMEOUT}, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            current = _current_revisions(connection)
    except sa.exc.SQLAlchemyError as exc:
        return [error(f"the database {shown} is unreachable: {_first_line(exc)}")]
    finally:
        engine.dispose()
    heads = _head_revisions()
    if not current:
        return [error(f"the database {shown} is not migrated: run `flask db upgrade`")]
    if current != heads:
        return [
            error(
                f"the database {shown} is at revision {', '.join(sorted(current))}, the code "
                f"expects {', '.join(sorted(heads))}: run `flask db upgrade`"
            )
        ]
    checkup.database_ok = True  # reachable and with the tables the code expects
    return [ok(f"the database {shown} answers and is at the head revision")]


def _current_revisions(connection) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    return set(MigrationContext.configure(connection).get_current_heads())


def _head_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    directory = Path(__file__).resolve().parents[2] / "migrations"
    config = Config()
    config.set_main_option("script_location", str(directory))
    return set(ScriptDirectory.from_config(config).get_heads())


def check_mail(checkup: Checkup) -> list[Finding]:
    config = checkup.config
    host = config.get("MAIL_SERVER")
    if not host:
        if checkup.production:
            return [error("MAIL_SERVER is not set: mail is only printed, never sent")]
        return [ok("MAIL_SERVER is not set: mail is printed to the console (development)")]
    port = int(config.get("MAIL_PORT") or 25)
    timeout = min(float(config.get("MAIL_TIMEOUT") or TIMEOUT), TIMEOUT)
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    try:
        with smtp_class(host, port, timeout=timeout) as smtp:
            code, _ = smtp.ehlo()
            starttls = smtp.has_extn("starttls")
            smtp.quit()
    except (OSError, smtplib.SMTPException) as exc:
        return [error(f"the mail server {host}:{port} is unreachable: {_first_line(exc)}")]
    if code != 250:
        return [error(f"the mail server {host}:{port} refused EHLO ({code})")]
    if config.get("MAIL_USE_TLS") and not starttls:
        return [error(f"the mail server {host}:{port} does not offer STARTTLS (MAIL_USE_TLS)")]
    return [ok(f"the mail server {host}:{port} answers")]


def check_data_key(checkup: Checkup) -> list[Finding]:
    from campaign.core.datakeys import KeyFileError, read_key_file

    path = Path(checkup.config.get("DATA_KEY_FILE") or "")
    if not path.is_file():
        return [error(f"DATA_KEY_FILE {path} does not exist: create it with `flask keys init`")]
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return [
            error(
                f"DATA_KEY_FILE {path} has mode {mode:04o}: group or others can read or change "
                f"it; run chmod 600 {path}"
            )
        ]
    try:
        read_key_file(path)
    except KeyFileError as exc:
        return [error(f"DATA_KEY_FILE: {exc}")]
    return [ok(f"DATA_KEY_FILE {path} holds a key and only its owner can read it")]


def check_reply_domain(checkup: Checkup) -> list[Finding]:
    domain = checkup.config.get("REPLY_TO_DOMAIN")
    if domain:
        return [ok(f"REPLY_TO_DOMAIN is {domain}")]
    if not checkup.database_ok:
        return [warning("REPLY_TO_DOMAIN is not set; the database cannot tell if it is needed")]
    used = _deliveries_used()
    if used:
        return [
            error(
                f"REPLY_TO_DOMAIN is not set, but {used}: appeals cannot be delivered by email"
                " and replies cannot come back"
            )
        ]
    return [ok("REPLY_TO_DOMAIN is not set (no deliveries and no authority with an email yet)")]


def _deliveries_used() -> str:
    """What uses deliveries, said for the operator, or '' when nothing does."""
    import sqlalchemy as sa

    from campaign.authorities.models import Authority
    from campaign.core.extensions import db
    from campaign.deliveries.models import Delivery

    try:
        deliveries = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery))
        with_email = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Authority)
            .where(Authority.contact_email.is_not(None), Authority.contact_email != "")
        )
    finally:
        db.session.remove()
    if deliveries:
        return f"{deliveries} deliveries exist"
    if with_email:
        return f"{with_email} authorities have a contact email"
    return ""


def check_retention(checkup: Checkup) -> list[Finding]:
    config, environ = checkup.config, checkup.environ
    standard = f"DATA_RETENTION_DAYS ({config.get('DATA_RETENTION_DAYS')} days by default)"
    at_risk = f"AT_RISK_RETENTION_DAYS ({config.get('AT_RISK_RETENTION_DAYS')} days by default)"
    if not checkup.production:
        return [ok("retention: the defaults apply outside production")]
    findings = []
    if not environ.get("DATA_RETENTION_DAYS", "").strip():
        findings.append(
            error(f"retention is unset: set {standard} to what your /privacy page promises")
        )
    if not environ.get("AT_RISK_RETENTION_DAYS", "").strip():
        findings.append(warning(f"retention of at-risk appeals is unset: {at_risk} applies"))
    return findings or [
        ok(
            f"retention: {config.get('DATA_RETENTION_DAYS')} days, "
            f"{config.get('AT_RISK_RETENTION_DAYS')} for at-risk appeals"
        )
    ]


def check_redis(checkup: Checkup) -> list[Finding]:
    url = checkup.config.get("REDIS_URL")
    if not url:
        return [ok("REDIS_URL is not set: rate limits and cache live in each process")]
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    shown = _without_password(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        return [error(f"Redis at {shown} is unreachable: {_first_line(exc)}")]
    finally:
        client.close()
    return [ok(f"Redis at {shown} answers")]


def check_imap(checkup: Checkup) -> list[Finding]:
    host = checkup.config.get("IMAP_HOST")
    if not host:
        return [ok("IMAP_HOST is not set: no mailbox is fetched")]
    from campaign.inbox import imap

    try:
        client = imap.connect(timeout=TIMEOUT)
    except imap.ImapError as exc:
        return [error(f"IMAP: {exc}")]
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        client.logout()
    return [ok(f"the IMAP mailbox at {host} answers and accepts the login")]


CHECKS: tuple[Callable[[Checkup], list[Finding]], ...] = (
    check_secret_key,
    check_base_url,
    check_database,  # before the checks that read the database
    check_mail,
    check_data_key,
    check_reply_domain,
    check_retention,
    check_redis,
    check_imap,
)


def run_checks(config: Mapping, environ: Mapping[str, str]) -> Iterable[Finding]:
    """Every check's findings, in order; inside an app context."""
    checkup = Checkup(config=config, environ=environ)
    for check in CHECKS:
        name = check.__name__.removeprefix("check_").replace("_", " ")
        try:
            yield from check(checkup)
        except Exception as exc:  # noqa: BLE001 - a broken check is a finding, not a traceback
            yield error(f"the {name} check failed: {type(exc).__name__}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@click.command("doctor")
@click.option("--quiet", "-q", is_flag=True, help="Print only the problems.")
@with_appcontext
def doctor(quiet: bool):
    """Check the configuration: secret key, BASE_URL, database and migrations, mail, data key
    file, reply domain, retention, Redis and IMAP. One line per finding; exit 1 on any error."""
    errors = 0
    for finding in run_checks(current_app.config, os.environ):
        errors += finding.level == ERROR
        if finding.level != OK or not quiet:
            click.echo(finding.line())
    if errors:
        raise SystemExit(1)
