"""Fixtures only: app, client, runner, database (SQLite or PostgreSQL), SMTP sink, logins,
factories, live server and browser."""

from __future__ import annotations

import email
import email.policy
import os
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa
from flask import has_request_context

from campaign import create_app
from campaign.core.extensions import db as _db
from tests import factories
from tests.partner_site import partner_site  # noqa: F401 (a fixture for browser tests)

# --- database -------------------------------------------------------------------------------


def _worker() -> str:
    """A database name part unique to this checkout and xdist worker, so parallel checkouts
    on one PostgreSQL server never share a test database."""
    import hashlib

    checkout = hashlib.sha256(os.path.dirname(os.path.abspath(__file__)).encode()).hexdigest()[:8]
    return f"{checkout}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """SQLite file per test worker; a PostgreSQL database per worker when TEST_DATABASE_URL
    is set. The schema is built once, by running the migrations."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = _fresh_postgres_database(base, f"answerable_test_{_worker()}")
    _migrate(url)
    return url


def _fresh_postgres_database(base: str, name: str) -> str:
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return urlunsplit(parts._replace(path=f"/{name}"))


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        _db.session.remove()
        _db.engine.dispose()


def _empty_tables() -> None:
    # DELETE, not TRUNCATE: on PostgreSQL truncating ~25 nearly empty tables takes ~0.6 s
    # (locks and file swaps), deleting their few rows ~6 ms.
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())


# --- app, client, runner --------------------------------------------------------------------


@pytest.fixture
def app_config(database_url, smtp, tmp_path) -> dict:
    """Per-test overrides for create_app; tests change it with their own fixture."""
    # With TEST_REDIS_URL, tests and parallel workers share one Redis: each test gets its own
    # key space, so cached pages and rate-limit windows never carry over.
    import uuid

    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    return {
        "CACHE_KEY_PREFIX": prefix,
        "RATELIMIT_KEY_PREFIX": prefix,
        "MAIL_QUEUE_NAME": f"{prefix}mail",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": smtp.host,
        "MAIL_PORT": smtp.port,
        "RATELIMIT_ENABLED": False,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "DATA_KEY_FILE": str(tmp_path / "keys" / "data.key"),
    }


@pytest.fixture
def app(app_config):
    app = create_app("testing", **app_config)
    with app.app_context():
        from campaign.core.extensions import cache

        cache.clear()  # a cache in Redis outlives the test that filled it
        yield app
        # A request context left pushed outlives the test: later tests in the same worker
        # would run "inside" its request (a GET, so read-only transactions), depending on order.
        assert not has_request_context(), "the test left a request context pushed"
        _empty_tables()
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- SMTP sink ------------------------------------------------------------------------------


class SmtpSink:
    """A real SMTP server (aiosmtpd) on loopback that keeps every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self._lock = threading.Lock()
        self.host = "127.0.0.1"
        self.port = 0
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(message)
        return "250 OK"

    def start(self, port: int = 0):
        from aiosmtpd.controller import Controller

        port = port or _free_port()
        self.controller = Controller(self, hostname=self.host, port=port)
        self.controller.start()
        self.port = port

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def clear(self):
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        """Poll until `count` messages have arrived (no fixed sleeps)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")

    def to(self, address: str) -> list:
        with self._lock:
            return [m for m in self.messages if address.lower() in m["To"].lower()]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


# --- users and logins -----------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(app):
    def make(role: str = "admin", email: str | None = None, password: str = PASSWORD):
        return factories.make_user(role=role, email=email, password=password)

    return make


@pytest.fixture
def login(client, make_user):
    """login(role) creates a campaigner with that role and logs in through the real form."""

    def do_login(role: str = "admin", user=None):
        user = user or make_user(role)
        response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login


@pytest.fixture
def api_token(app, make_user):
    """api_token(role) -> headers with a bearer token for a new campaigner of that role."""
    from campaign.accounts.services import issue_token

    def make(role: str = "admin"):
        user = make_user(role)
        token = issue_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


# --- factories ------------------------------------------------------------------------------


@pytest.fixture
def make_appeal(app):
    return factories.make_appeal


@pytest.fixture
def make_authority(app):
    return factories.make_authority


@pytest.fixture
def demo_appeal(app):
    from campaign.appeals.demo import load_demo

    appeal, _ = load_demo()
    _db.session.commit()
    return appeal


# --- live server and browser ----------------------------------------------------------------


@pytest.fixture
def live_server(app):
    """The app served by a real WSGI server in a thread, for the browser."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.socket.getsockname()[1]
    app.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["BASE_URL"]
    server.shutdown()
    thread.join(timeout=10)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def artifacts_dir():
    path = os.path.join(os.path.dirname(__file__), "..", "test-artifacts")
    os.makedirs(path, exist_ok=True)
    return path
