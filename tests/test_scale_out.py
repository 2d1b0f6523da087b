"""Beyond one machine: two web processes and two mail workers on one PostgreSQL and one Redis
share an appeal. Signers sign through one process and confirm through the other; every signer
gets exactly one confirmation mail, no outbox row is sent twice, and the count is exact."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaign.mail.models import OutboxMessage
from campaign.signatures.counting import recount, signature_count
from campaign.signatures.models import Signature

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINK = re.compile(r"https?://\S+?(/confirm/[A-Za-z0-9_.\-]+)")
SIGNERS = 24

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (TEST_DATABASE_URL): several processes share one database",
    ),
    pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis (TEST_REDIS_URL)"),
]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, database_url: str, smtp):
        self.env = {
            **os.environ,
            "APP_ENV": "production",
            "SECRET_KEY": "scale-out-test-secret",
            "DATABASE_URL": database_url,
            "REDIS_URL": TEST_REDIS_URL,
            "MAIL_SERVER": smtp.host,
            "MAIL_PORT": str(smtp.port),
            "TRUSTED_PROXIES": "1",
            "SESSION_COOKIE_SECURE": "0",
            "BASE_URL": "http://answerable.test",
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": "4",
        }
        self.procs: list[subprocess.Popen] = []
        self.web_ports: list[int] = []
        self.workers: list[subprocess.Popen] = []

    def start_web(self) -> int:
        port = _free_port()
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        cmd = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", "app:app"]
        self.procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.DEVNULL))
        self.web_ports.append(port)
        return port

    def start_worker(self) -> None:
        cmd = [str(BIN / "flask"), "--app", "app", "outbox", "work", "--poll", "0.2"]
        proc = subprocess.Popen(
            [*cmd, "--safety-poll", "1"], cwd=ROOT, env=self.env, stderr=subprocess.DEVNULL
        )
        self.procs.append(proc)
        self.workers.append(proc)

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        for port in self.web_ports:
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                assert time.monotonic() < deadline, f"web process on {port} did not start"
                time.sleep(0.1)

    def stop(self, procs=None) -> None:
        for proc in procs or self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs or self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def cluster(app, database_url, smtp):
    c = Cluster(database_url, smtp)
    yield c
    c.stop()


def _browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def _open_form(port: int, path: str):
    """GET a page as a browser does: (its CSRF token, the browser holding the cookie)."""
    browser = _browser()
    page_url = f"http://127.0.0.1:{port}{path}"
    with browser.open(page_url, timeout=30) as page:
        token = TOKEN.search(page.read().decode()).group(1)
    return token, browser


def sign(port: int, slug: str, email: str, address: str) -> int:
    """A signer's flow through one web process: page (cookie + token), then the form."""
    token, browser = _open_form(port, f"/appeals/{slug}")
    data = {
        "csrf_token": token,
        "name": "Scale Tester",
        "email": email,
        "country": "KG",
        "city": "",
        "display": "name",
        "website": "",
        "ref": "",
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/appeals/{slug}/sign",
        data=urllib.parse.urlencode(data).encode(),
        headers={"X-Forwarded-For": address},
    )
    with browser.open(request, timeout=30) as response:
        return response.status


def confirm(port: int, path: str) -> int:
    token, browser = _open_form(port, path)
    data = urllib.parse.urlencode({"csrf_token": token}).encode()
    with browser.open(f"http://127.0.0.1:{port}{path}", data=data, timeout=30) as response:
        return response.status


def test_two_web_processes_and_two_workers_share_one_appeal(app, db, smtp, make_appeal, cluster):
    appeal = make_appeal()
    slug, appeal_id = appeal.slug, appeal.id
    first, second = cluster.start_web(), cluster.start_web()
    cluster.start_worker()
    cluster.start_worker()
    cluster.wait_ready(f"/appeals/{slug}")

    run = random.randrange(1, 250)
    emails = [f"signer{i}@example.org" for i in range(SIGNERS)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(
                lambda i: sign((first, second)[i % 2], slug, emails[i], f"10.{run}.7.{i + 1}"),
                range(SIGNERS),
            )
        )
    assert statuses == [200] * SIGNERS  # the thank-you page after the redirect

    messages = smtp.wait_for(SIGNERS, timeout=60)
    links = {}
    for message in messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        links[message["To"]] = LINK.search(text).group(1)
    assert sorted(links) == sorted(emails)

    # Each signer confirms through the web process they did not sign on.
    with ThreadPoolExecutor(8) as pool:
        statuses = list(
            pool.map(lambda i: confirm((second, first)[i % 2], links[emails[i]]), range(SIGNERS))
        )
    assert statuses == [200] * SIGNERS

    # Stop the workers: after that no mail can still be on its way.
    cluster.stop(cluster.workers)
    db.session.rollback()
    assert signature_count(appeal_id) == SIGNERS
    assert recount(appeal_id) == SIGNERS
    states = db.session.execute(
        sa.select(Signature.state).where(Signature.appeal_id == appeal_id)
    ).scalars()
    assert sorted(states) == ["confirmed"] * SIGNERS
    rows = db.session.execute(sa.select(OutboxMessage)).scalars().all()
    assert len(rows) == SIGNERS
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
    recipients = [rcpt for envelope in smtp.envelopes for rcpt in envelope.rcpt_tos]
    assert sorted(recipients) == sorted(emails)  # exactly one mail each
