"""`flask doctor`: one test per finding. A production app on the suite's database, with a
configuration that passes every check, then one thing broken at a time: real services where
they are cheap (the SMTP sink, a closed loopback port, a key file's mode, an empty SQLite)."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from campaign import create_app
from campaign.core import doctor as doctor_module
from campaign.core.datakeys import create_key_file
from campaign.core.extensions import db as _db
from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parents[2]
STRONG_SECRET = secrets.token_urlsafe(48)
#: The operator chose the retention periods (the doctor reads the environment for that).
CHOSEN = {"DATA_RETENTION_DAYS": "365", "AT_RISK_RETENTION_DAYS": "30"}


@pytest.fixture
def key_file(tmp_path) -> Path:
    path = tmp_path / "doctor" / "data.key"
    path.parent.mkdir()
    create_key_file(path)
    return path


@pytest.fixture
def doctor(app, app_config, key_file):
    """run(*args, env=..., **config) -> (exit code, output lines) of `flask doctor` on a
    production app whose every setting passes unless a keyword changes it."""

    def run(*args: str, env: dict | None = None, **overrides):
        config = dict(
            app_config,
            TESTING=True,  # the app registers its commands (as under `flask`)
            SECRET_KEY=STRONG_SECRET,
            BASE_URL="https://appeals.example.org",
            DATA_KEY_FILE=str(key_file),
            REPLY_TO_DOMAIN="reply.example.org",
            REDIS_URL=None,
            IMAP_HOST=None,
        )
        config.update(overrides)
        production = create_app("production", **config)
        with production.app_context():  # not the suite's app, already pushed
            result = production.test_cli_runner().invoke(
                args=["doctor", *args], env=CHOSEN if env is None else env
            )
            _db.engine.dispose()  # this app's pooled connection goes with it, closed
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result.exit_code, result.output.splitlines()

    return run


def closed_port() -> int:
    return _free_port()  # bound, then closed: nothing listens there


def test_a_good_configuration_passes_every_check(doctor, smtp):
    code, lines = doctor()
    assert code == 0, lines
    assert all(line.startswith("ok: ") for line in lines), lines
    text = "\n".join(lines)
    for expected in (
        "ok: SECRET_KEY is set",
        "ok: BASE_URL is https://appeals.example.org",
        "at the head revision",
        f"ok: the mail server {smtp.host}:{smtp.port} answers",
        "only its owner can read it",
        "ok: REPLY_TO_DOMAIN is reply.example.org",
        "ok: retention: 365 days, 30 for at-risk appeals",
        "ok: REDIS_URL is not set",
        "ok: IMAP_HOST is not set",
    ):
        assert expected in text


def test_quiet_prints_only_the_problems(doctor):
    assert doctor("--quiet") == (0, [])
    code, lines = doctor("--quiet", BASE_URL="http://appeals.example.org")
    assert code == 1
    assert len(lines) == 1 and lines[0].startswith("ERROR: BASE_URL")


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        ("test-secret-key-not-for-production", "ERROR: SECRET_KEY is a known example value"),
        ("Zq8-short-but-random", "ERROR: SECRET_KEY is weak (20 characters"),
        ("abab" * 10, "ERROR: SECRET_KEY is weak (40 characters, 2 distinct)"),
    ],
)
def test_a_default_or_weak_secret_key_is_an_error(doctor, secret, expected):
    code, lines = doctor(SECRET_KEY=secret)
    assert code == 1
    assert any(line.startswith(expected) for line in lines), lines
    assert secret not in "\n".join(lines)  # the doctor never prints a secret


def test_base_url_without_https_in_production_is_an_error(doctor):
    code, lines = doctor(BASE_URL="http://appeals.example.org")
    assert code == 1
    assert "ERROR: BASE_URL is 'http://appeals.example.org': in production it must start with" in (
        "\n".join(lines)
    )


def test_an_unreachable_database_is_an_error(doctor):
    port = closed_port()
    code, lines = doctor(
        SQLALCHEMY_DATABASE_URI=f"postgresql+psycopg://doctor:pw@127.0.0.1:{port}/answerable"
    )
    assert code == 1
    text = "\n".join(lines)
    shown = f"postgresql+psycopg://doctor:***@127.0.0.1:{port}/answerable"
    assert f"ERROR: the database {shown} is unreachable: " in text
    assert ":pw@" not in text
    assert "check failed" not in text


def test_a_database_without_the_migrations_is_an_error(doctor, tmp_path):
    code, lines = doctor(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}", REPLY_TO_DOMAIN=""
    )
    assert code == 1
    text = "\n".join(lines)
    assert "empty.db is not migrated: run `flask db upgrade`" in text
    assert "WARNING: REPLY_TO_DOMAIN is not set; the database cannot tell" in text
    assert "check failed" not in text


def test_a_database_behind_the_code_is_an_error(doctor, tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('0001_initial_schema')")
    connection.close()
    code, lines = doctor(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    assert code == 1
    assert any(
        "old.db is at revision 0001_initial_schema, the code expects" in line
        and line.startswith("ERROR: ")
        for line in lines
    ), lines


def test_an_unreachable_mail_server_is_an_error(doctor):
    port = closed_port()
    code, lines = doctor(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    assert code == 1
    assert any(
        line.startswith(f"ERROR: the mail server 127.0.0.1:{port} is unreachable") for line in lines
    ), lines


def test_no_mail_server_in_production_is_an_error(doctor):
    code, lines = doctor(MAIL_SERVER=None)
    assert code == 1
    assert "ERROR: MAIL_SERVER is not set: mail is only printed, never sent" in lines


def test_a_mail_server_without_starttls_when_tls_is_asked_is_an_error(doctor, smtp):
    code, lines = doctor(MAIL_USE_TLS=True)
    assert code == 1
    assert f"ERROR: the mail server {smtp.host}:{smtp.port} does not offer STARTTLS" in (
        "\n".join(lines)
    )


def test_a_missing_data_key_file_is_an_error(doctor, key_file, monkeypatch):
    key_file.unlink()
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # production builds without it only there
    code, lines = doctor()
    assert code == 1
    assert f"ERROR: DATA_KEY_FILE {key_file} does not exist: create it with `flask keys init`" in (
        lines
    )


def test_a_data_key_file_others_can_read_is_an_error(doctor, key_file):
    key_file.chmod(0o644)
    code, lines = doctor()
    assert code == 1
    assert any(
        line.startswith(f"ERROR: DATA_KEY_FILE {key_file} has mode 0644") for line in lines
    ), lines


def test_a_data_key_file_without_a_key_is_an_error(doctor, key_file):
    key_file.write_text("not a key\n")
    code, lines = doctor()
    assert code == 1
    assert any(line.startswith("ERROR: DATA_KEY_FILE: ") for line in lines), lines


def test_no_reply_domain_is_an_error_once_authorities_have_emails(doctor, make_authority):
    code, lines = doctor(REPLY_TO_DOMAIN="")
    assert code == 0
    assert "ok: REPLY_TO_DOMAIN is not set (no deliveries and no authority with an email yet)" in (
        lines
    )
    make_authority(contact_email="office@ministry.example.org")
    code, lines = doctor(REPLY_TO_DOMAIN="")
    assert code == 1
    assert (
        "ERROR: REPLY_TO_DOMAIN is not set, but 1 authorities have a contact email: appeals "
        "cannot be delivered by email and replies cannot come back"
    ) in lines


def test_unset_retention_in_production_is_an_error(doctor):
    code, lines = doctor(env={"DATA_RETENTION_DAYS": None, "AT_RISK_RETENTION_DAYS": "30"})
    assert code == 1
    assert (
        "ERROR: retention is unset: set DATA_RETENTION_DAYS (365 days by default) to what your "
        "/privacy page promises"
    ) in lines


def test_unset_at_risk_retention_is_a_warning(doctor):
    code, lines = doctor(env={"DATA_RETENTION_DAYS": "365", "AT_RISK_RETENTION_DAYS": None})
    assert code == 0
    assert (
        "WARNING: retention of at-risk appeals is unset: AT_RISK_RETENTION_DAYS "
        "(30 days by default) applies"
    ) in lines


def test_an_unreachable_redis_is_an_error(doctor):
    port = closed_port()
    code, lines = doctor(REDIS_URL=f"redis://:hunter2@127.0.0.1:{port}/0")
    assert code == 1
    text = "\n".join(lines)
    assert f"ERROR: Redis at redis://:***@127.0.0.1:{port}/0 is unreachable" in text
    assert "hunter2" not in text


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_a_reachable_redis_passes(doctor):
    code, lines = doctor(REDIS_URL=os.environ["TEST_REDIS_URL"])
    assert code == 0, lines
    assert any(line.startswith("ok: Redis at ") for line in lines)


def test_an_unreachable_imap_server_is_an_error(doctor):
    port = closed_port()
    code, lines = doctor(
        IMAP_HOST="127.0.0.1", IMAP_PORT=port, IMAP_TLS="none", IMAP_USER="r", IMAP_PASSWORD="pw"
    )
    assert code == 1
    assert any(
        line.startswith(f"ERROR: IMAP: Cannot reach the IMAP server 127.0.0.1:{port}")
        for line in lines
    ), lines


def test_a_check_that_crashes_is_an_error_of_that_check(doctor, monkeypatch):
    def check_sundial(checkup):
        raise ValueError("the sun is down")

    monkeypatch.setattr(doctor_module, "CHECKS", (*doctor_module.CHECKS, check_sundial))
    code, lines = doctor()
    assert code == 1
    assert lines[-1] == "ERROR: the sundial check failed: ValueError: the sun is down"


def _flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run(
        [str(flask), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_doctor_runs_in_production_without_a_secret_key_and_nothing_else_does(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "APP_ENV", "DATABASE_URL", "REDIS", "TEST_", "SECRET"))
    }
    env.update(
        APP_ENV="production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}",
        DATA_KEY_FILE=str(tmp_path / "data.key"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    out = _flask(env, "doctor")
    assert out.returncode == 1, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "ERROR: SECRET_KEY is not set: set a long random value (e.g. 64 characters)"
    assert "ERROR: MAIL_SERVER is not set: mail is only printed, never sent" in lines
    other = _flask(env, "counts", "verify")
    assert other.returncode != 0
    assert "SECRET_KEY must be set in production" in other.stderr
