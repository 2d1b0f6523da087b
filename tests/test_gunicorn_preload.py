"""GUNICORN_PRELOAD_APP=1 (gunicorn.conf.py): the master builds the app once and two forked
workers share it (less memory: docs/performance.md). Both must serve pages and write through
their own database connections, never one inherited from the master."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import sqlalchemy as sa

from campaign.core.extensions import db as _db
from campaign.signatures.models import Signature
from tests.conftest import _free_port

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _sign(port: int, slug: str, email: str, address: str) -> int:
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with browser.open(f"http://127.0.0.1:{port}/appeals/{slug}", timeout=30) as page:
        token = TOKEN.search(page.read().decode()).group(1)
    data = {"csrf_token": token, "name": "Preload Tester", "email": email, "country": "KG",
            "city": "", "display": "name", "website": "", "ref": ""}  # fmt: skip
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/appeals/{slug}/sign",
        data=urllib.parse.urlencode(data).encode(),
        headers={"X-Forwarded-For": address},
    )
    with browser.open(request, timeout=30) as response:
        return response.status


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def test_preloaded_workers_serve_and_write(app, app_config, make_appeal, smtp, tmp_path):
    appeal = make_appeal()
    slug, appeal_id = appeal.slug, appeal.id
    _db.session.remove()
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "APP_ENV", "DATABASE_URL", "REDIS", "GUNICORN_"))
    }
    env.update(
        APP_ENV="production",
        SECRET_KEY="preload-test-secret-" + "x" * 32,
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        DATA_KEY_FILE=app_config["DATA_KEY_FILE"],
        MAIL_SERVER=smtp.host,
        MAIL_PORT=str(smtp.port),
        TRUSTED_PROXIES="1",
        SESSION_COOKIE_SECURE="0",
        RATELIMIT_ENABLED="0",
        BASE_URL="http://answerable.test",
        GUNICORN_PRELOAD_APP="1",
        GUNICORN_WORKERS="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    cmd = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", "app:app"]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(cmd, cwd=ROOT.parent, env=env, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while len(_children(server.pid)) < 2 or not _answers(port, slug):
            assert server.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        statuses = [
            _sign(port, slug, f"preload{i}@example.org", f"10.19.0.{i + 1}") for i in range(8)
        ]
        assert all(status == 200 for status in statuses), statuses
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    stored = _db.session.scalar(
        sa.select(sa.func.count()).select_from(Signature).where(Signature.appeal_id == appeal_id)
    )
    assert stored == 8


def _answers(port: int, slug: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/appeals/{slug}", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False
