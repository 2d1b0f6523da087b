"""The files under deploy/ made runnable on a test machine: the nginx site with loopback ports,
temporary paths and a self-signed certificate, Debian's nginx.conf around it, and a small
HTTPS client that connects from a chosen loopback address. Every substitution must find its
text, so a change to the real files that the tests no longer cover fails here, loudly."""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import re
import shlex
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "answerable.conf"
ENV_EXAMPLE = DEPLOY / "answerable.env.example"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX = Path("/usr/sbin/nginx")
DEBIAN_NGINX_CONF = Path("/etc/nginx/nginx.conf")
DOMAIN = "appeals.example.org"  # the placeholder the operator replaces
TEST_DOMAIN = "answerable.test"
CERT_DIR = f"/etc/letsencrypt/live/{DOMAIN}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _replace(text: str, substitutions: list[tuple[str, str]], what: str) -> str:
    for old, new in substitutions:
        assert old in text, f"{what} no longer contains {old!r}: update tests/deploy/stack.py"
        text = text.replace(old, new)
    return text


def render_site(
    directory: Path,
    *,
    cert: Path,
    key: Path,
    http_port: int = 80,
    https_port: int = 443,
    upstream_port: int = 8000,
    acme_root: Path | None = None,
) -> Path:
    """deploy/nginx/answerable.conf with the given ports (on 127.0.0.1), certificate, and the
    checkout's own static folder; the domain becomes answerable.test."""
    text = _replace(
        SITE.read_text(),
        [
            ("listen 80;", f"listen 127.0.0.1:{http_port};"),
            ("listen [::]:80;\n", ""),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            ("listen [::]:443 ssl http2;\n", ""),
            (f"{CERT_DIR}/fullchain.pem", str(cert)),
            (f"{CERT_DIR}/privkey.pem", str(key)),
            ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};"),
            ("root /srv/answerable;", f"root {ROOT};"),
            ("root /var/www/html;", f"root {acme_root or directory / 'acme'};"),
            (DOMAIN, TEST_DOMAIN),
        ],
        str(SITE),
    )
    path = directory / "answerable.conf"
    path.write_text(text)
    return path


def render_main(directory: Path, site: Path) -> Path:
    """Debian's /etc/nginx/nginx.conf with the site as its only one, and pid file, logs and
    temporary files under `directory`."""
    text = _replace(
        DEBIAN_NGINX_CONF.read_text(),
        [
            ("pid /run/nginx.pid;", f"pid {directory / 'nginx.pid'};"),
            ("error_log /var/log/nginx/error.log;", f"error_log {directory / 'error.log'};"),
            ("access_log /var/log/nginx/access.log;", f"access_log {directory / 'access.log'};"),
            ("include /etc/nginx/conf.d/*.conf;", ""),
            ("include /etc/nginx/sites-enabled/*;", f"include {site};"),
            # As root, workers would run as www-data, which may not read the checkout or the
            # test's temporary folder; a test may run them as root.
            ("user www-data;", "user root;" if os.geteuid() == 0 else ""),
        ],
        str(DEBIAN_NGINX_CONF),
    )
    temp = "\n".join(
        f"\t{kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {", "http {\n" + temp, 1)
    path = directory / "nginx.conf"
    path.write_text(text)
    return path


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for answerable.test and 127.0.0.1, and its key (cryptography)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, TEST_DOMAIN)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(TEST_DOMAIN), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def nginx_test(main_conf: Path, prefix: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NGINX), "-t", "-q", "-c", str(main_conf), "-p", f"{prefix}/"],
        capture_output=True,
        text=True,
        timeout=30,
    )


def env_file_values(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """The settings a file sets (uncommented KEY=value lines), read as a shell reads them."""
    values = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        words = shlex.split(value)
        values[name.strip()] = words[0] if words else ""
    return values


def exec_start(unit: Path) -> list[str]:
    match = re.search(r"^ExecStart=(.+)$", unit.read_text(), re.MULTILINE)
    assert match, f"{unit.name} has no ExecStart"
    return shlex.split(match.group(1))


class Response:
    def __init__(self, raw: http.client.HTTPResponse):
        self.status = raw.status
        self.headers = raw.msg
        self.body = raw.read()

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def all(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """A browser's part of HTTP(S) through the proxy: one source address, a cookie jar, the
    site's name in Host and Referer (Flask-WTF checks the Referer of HTTPS posts)."""

    def __init__(self, port: int, source: str, *, tls: ssl.SSLContext | None = None):
        self.port = port
        self.source = source
        self.tls = tls
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Response:
        headers = {"Host": TEST_DOMAIN, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers.setdefault("Referer", f"https://{TEST_DOMAIN}{path}")
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = Response(conn.getresponse())
        finally:
            conn.close()
        for value in response.all("Set-Cookie"):
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response

    def _connection(self):
        source = (self.source, 0)
        if self.tls is None:
            return http.client.HTTPConnection("127.0.0.1", self.port, 10, source_address=source)
        return http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=10, source_address=source, context=self.tls
        )

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict, **headers) -> Response:
        from urllib.parse import urlencode

        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, urlencode(fields).encode(), headers)

    def post_length_only(self, path: str, length: int) -> int:
        """Announce a body of `length` bytes and send none: the proxy may answer from the
        headers alone."""
        conn = self._connection()
        try:
            conn.putrequest("POST", path, skip_host=True)
            conn.putheader("Host", TEST_DOMAIN)
            conn.putheader("Content-Type", "application/octet-stream")
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            return conn.getresponse().status
        finally:
            conn.close()


def wait_until(check, timeout: float, what: str):
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
