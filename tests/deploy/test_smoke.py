"""The deployment itself: Debian's nginx with deploy/nginx/answerable.conf (a self-signed
certificate, loopback ports) in front of gunicorn (gunicorn.conf.py, two workers, production
settings from deploy/answerable.env.example), PostgreSQL, Redis and the worker. Through the
proxy, over verified HTTPS, as a browser from its own loopback address."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy import stack

BIN = Path(sys.executable).parent
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
#: The background worker's command: the one process for all background work.
WORKER_ARGS = ["worker"]
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LINK = re.compile(r"https://answerable\.test(/confirm/[A-Za-z0-9_.\-]+)")
STYLESHEET = re.compile(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"')
HSTS = "max-age=31536000; includeSubDomains"

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.postgres,
    pytest.mark.skipif(not stack.NGINX.exists(), reason="needs Debian's nginx (/usr/sbin/nginx)"),
    pytest.mark.skipif(
        not stack.DEBIAN_NGINX_CONF.exists(), reason="needs Debian's /etc/nginx/nginx.conf"
    ),
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (TEST_DATABASE_URL): the deployment's database",
    ),
    pytest.mark.skipif(not TEST_REDIS_URL, reason="needs Redis (TEST_REDIS_URL)"),
]


def _loopback() -> str:
    """A client address of its own (127.0.0.0/8 is all loopback on Linux), so a rate-limit
    window left in Redis by an earlier run never applies."""
    return "127.{}.{}.{}".format(*(random.randrange(2, 255) for _ in range(3)))


class Deployment:
    def __init__(self, directory: Path, database_url: str, smtp, data_key_file: str):
        self.directory = directory
        self.http_port, self.https_port = stack.free_port(), stack.free_port()
        self.web_port = stack.free_port()
        self.cert, key = stack.self_signed(directory)
        (directory / "acme" / ".well-known" / "acme-challenge").mkdir(parents=True)
        site = stack.render_site(
            directory,
            cert=self.cert,
            key=key,
            http_port=self.http_port,
            https_port=self.https_port,
            upstream_port=self.web_port,
        )
        self.main_conf = stack.render_main(directory, site)
        # The operator's file, then what differs on a test machine.
        self.env = {
            **os.environ,
            **stack.env_file_values(),
            "SECRET_KEY": "deploy-smoke-test-secret-key-0123456789abcdef",
            "BASE_URL": f"https://{stack.TEST_DOMAIN}",
            "DATABASE_URL": database_url,
            "REDIS_URL": TEST_REDIS_URL,
            "MAIL_SERVER": smtp.host,
            "MAIL_PORT": str(smtp.port),
            "MAIL_USE_TLS": "0",
            "MAIL_USERNAME": "",
            "MAIL_PASSWORD": "",
            "DATA_KEY_FILE": data_key_file,
            "GUNICORN_BIND": f"127.0.0.1:{self.web_port}",
            "GUNICORN_WORKERS": "2",
            "LOGIN_RATE_LIMIT": "2/minute",
            "APPEAL_PAGE_CACHE_SECONDS": "0",
        }
        self.procs: list[subprocess.Popen] = []
        self.tls = ssl.create_default_context(cafile=str(self.cert))

    def _start(self, argv: list[str], env: dict | None = None) -> None:
        # Each process's output in a file of the test's folder, for when something fails.
        with (self.directory / f"{Path(argv[0]).name}-{len(self.procs)}.log").open("wb") as log:
            self.procs.append(
                subprocess.Popen(
                    argv,
                    cwd=stack.ROOT,
                    env=env or self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    def start(self) -> None:
        gunicorn = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket"]
        self._start([*gunicorn, "app:app"])
        self._start([str(BIN / "flask"), "--app", "app", *WORKER_ARGS])
        nginx = [str(stack.NGINX), "-c", str(self.main_conf), "-p", f"{self.directory}/"]
        self._start([*nginx, "-g", "daemon off;"], env={"PATH": os.environ["PATH"]})

    def client(self, source: str | None = None) -> stack.Client:
        return stack.Client(self.https_port, source or _loopback(), tls=self.tls)

    def wait_ready(self, path: str) -> None:
        client = self.client("127.0.0.1")

        def up():
            for proc in self.procs:
                assert proc.poll() is None, f"{proc.args[0]} exited: see {self.directory}"
            return client.get(path).status == 200

        stack.wait_until(up, 60, "the site to answer through nginx")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@pytest.fixture
def deployment(app, database_url, smtp, tmp_path):
    site = Deployment(tmp_path, database_url, smtp, app.config["DATA_KEY_FILE"])
    yield site
    site.stop()


def _token(response: stack.Response) -> str:
    return TOKEN.search(response.text).group(1)


def test_the_site_runs_behind_nginx_with_tls(app, db, smtp, make_appeal, deployment):
    appeal = make_appeal()
    slug = appeal.slug
    deployment.start()
    deployment.wait_ready(f"/appeals/{slug}")
    browser = deployment.client()

    # The appeal page over HTTPS, with HSTS once (nginx's; the app's own is hidden).
    page = browser.get(f"/appeals/{slug}")
    assert page.status == 200
    assert page.all("Strict-Transport-Security") == [HSTS]

    # Plain HTTP redirects to the site's name, except for certbot's challenges.
    plain = stack.Client(deployment.http_port, browser.source)
    moved = plain.get(f"/appeals/{slug}?lang=ru")
    assert moved.status == 301
    assert moved.header("Location") == f"https://answerable.test/appeals/{slug}?lang=ru"
    challenge = deployment.directory / "acme" / ".well-known" / "acme-challenge" / "token-1"
    challenge.write_text("token-1.thumbprint")
    assert plain.get("/.well-known/acme-challenge/token-1").body == b"token-1.thumbprint"

    # The stylesheet comes from disk (no app headers such as CSP), for a year, gzipped.
    stylesheet = STYLESHEET.search(page.text).group(1)
    css = browser.get(stylesheet, **{"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert css.header("Content-Encoding") == "gzip"
    assert gzip.decompress(css.body) == (stack.ROOT / "static" / "css" / "site.css").read_bytes()
    assert css.header("Content-Security-Policy") is None
    assert css.all("Strict-Transport-Security") == [HSTS]
    plain_name = browser.get("/static/css/site.css")
    assert plain_name.header("Cache-Control") == "public, max-age=300"
    # A fingerprinted name with no such file goes to the app, which answers 404.
    assert browser.get("/static/css/nothing.0123456789ab.css").status == 404

    # Sign; the worker mails the confirmation through SMTP; confirming counts.
    def count() -> int:
        return json.loads(browser.get(f"/api/v1/appeals/{slug}").body)["signature_count"]

    assert count() == 0
    form = browser.get(f"/appeals/{slug}")
    signed = browser.post_form(
        f"/appeals/{slug}/sign",
        {
            "csrf_token": _token(form),
            "name": "Smoke Tester",
            "email": "smoke@example.org",
            "country": "KG",
            "city": "",
            "display": "name",
            "website": "",
            "ref": "",
        },
    )
    assert signed.status in (302, 303), signed.text[:500]
    # The worker may mail others too (its chores): this signer's mail is the one to open.
    (message,) = stack.wait_until(lambda: smtp.to("smoke@example.org"), 30, "the mail")
    link = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(1)
    opened = browser.get(link)
    assert opened.status == 200
    assert browser.post_form(link, {"csrf_token": _token(opened)}).status == 303

    stack.wait_until(lambda: count() == 1, 15, "the signature to count")

    # The rate limit sees each client's own address: nginx replaces X-Forwarded-For.
    first, second = deployment.client(), deployment.client()

    def login(client: stack.Client, **headers) -> stack.Response:
        token = _token(client.get("/admin/login"))
        fields = {"csrf_token": token, "email": "nobody@example.org", "password": "wrong"}
        return client.post_form("/admin/login", fields, **headers)

    assert [login(first).status, login(first).status] == [400, 400]  # wrong password
    # A third from the same address is over LOGIN_RATE_LIMIT (2/minute), whatever it claims.
    limited = login(first, **{"X-Forwarded-For": second.source})
    assert limited.status == 429
    assert "nginx" not in limited.text  # the app's limit, not nginx's first line
    assert login(second).status == 400

    # A body over the app's MAX_CONTENT_LENGTH is refused by nginx before it is read.
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    assert browser.post_length_only(f"/appeals/{slug}/endorse", too_big) == 413
