"""Soak test (not part of the unit suite): 16 clients sign, confirm, endorse and browse for
`--minutes` (default 10) against gunicorn + PostgreSQL, with the outbox worker running
(`flask outbox work`) and a local aiosmtpd sink that is stopped and restarted once in the
middle. Then it checks:

- every accepted signature is stored exactly once (and nothing else is stored);
- every confirmation is counted: the signatures the clients confirmed are exactly the
  confirmed rows, and the sharded counter equals them; `flask counts verify` is clean;
- every outbox row is sent exactly once and the sink received each sent message once
  (the multiset of (recipient, subject) received equals the outbox's);
- no 500 answered to the clients, in gunicorn's access log or in the app's error log.

Loopback only. Database `answerable_soak` is dropped and created afresh.

    .venv/bin/python bench/soak.py --minutes 10
"""

from __future__ import annotations

import argparse
import collections
import email
import email.policy
import http.client
import json
import os
import queue
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SIGN_LINK = re.compile(r"https?://[^/\s]+(/confirm/[A-Za-z0-9_.\-]+)")
ENDORSE_LINK = re.compile(r"https?://[^/\s]+(/endorsements/confirm/[A-Za-z0-9_.\-]+)")
ACCESS_STATUS = re.compile(r'" (\d{3}) ')


def clean(subject: str) -> str:
    """A subject as the outbox holds it (a long header arrives folded)."""
    return " ".join(subject.split())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- SMTP sink ------------------------------------------------------------------------------


class Sink:
    """aiosmtpd on loopback; keeps (to, subject) of every message and hands confirmation
    links to the clients."""

    def __init__(self, port: int, links: queue.Queue):
        self.port, self.links = port, links
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        with self.lock:
            self.received.append((str(message["To"]), clean(str(message["Subject"]))))
        for kind, pattern in (("sign", SIGN_LINK), ("endorse", ENDORSE_LINK)):
            for path in pattern.findall(text):
                self.links.put((kind, path))
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --- clients --------------------------------------------------------------------------------


class Shared:
    def __init__(self, slug: str):
        self.slug = slug
        self.lock = threading.Lock()
        self.accepted: set[str] = set()  # emails whose signing got 303
        self.confirmed_tokens: set[str] = set()  # signature confirm paths POSTed with 303
        self.endorsed: set[str] = set()
        self.statuses: collections.Counter = collections.Counter()
        self.actions: collections.Counter = collections.Counter()
        self.latencies: list[float] = []
        self.errors = 0


class Client(threading.Thread):
    def __init__(self, index, host, port, shared: Shared, links: queue.Queue, deadline, run):
        super().__init__(daemon=True)
        self.index, self.host, self.port = index, host, port
        self.shared, self.links, self.deadline, self.run_id = shared, links, deadline, run
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.cookie = ""
        self.n = 0

    def request(self, method, path, form=None, address=None):
        headers = {"X-Forwarded-For": address or f"10.9.{self.index}.1"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        start = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        with self.shared.lock:
            self.shared.statuses[response.status] += 1
            self.shared.latencies.append((time.perf_counter() - start) * 1000)
        return response.status, data.decode("utf-8", "replace")

    def csrf(self, path) -> str:
        _status, html = self.request("GET", path)
        match = TOKEN.search(html)
        return match.group(1) if match else ""

    def address(self) -> str:
        return f"10.{self.index + 16}.{(self.n // 250) % 250}.{self.n % 250 + 1}"

    def sign(self):
        slug = self.shared.slug
        with self.shared.lock:
            again = list(self.shared.accepted) if random.random() < 0.1 else []
        address = random.choice(again) if again else f"s-{self.run_id}-{self.index}-{self.n}"
        address = address if "@" in address else f"{address}@example.org"
        token = self.csrf(f"/appeals/{slug}")
        form = {
            "csrf_token": token,
            "name": f"Soak Signer {self.index} {self.n}",
            "email": address,
            "country": random.choice(["KG", "KZ", "DE", "UZ"]),
            "city": "Bishkek",
            "display": random.choice(["name", "anonymous"]),
            "wants_updates": "y",
            "website": "",
            "ref": random.choice(["", "telegram", "qr"]),
        }
        status, _ = self.request("POST", f"/appeals/{slug}/sign", form, self.address())
        if status == 303:
            with self.shared.lock:
                self.shared.accepted.add(address)
        return status == 303

    def confirm(self, kind, path):
        token = self.csrf(path)
        status, _ = self.request("POST", path, {"csrf_token": token}, self.address())
        ok = status in ((303,) if kind == "sign" else (200, 303))
        if ok and kind == "sign":
            with self.shared.lock:
                self.shared.confirmed_tokens.add(path)
        return ok

    def endorse(self):
        slug = self.shared.slug
        token = self.csrf(f"/appeals/{slug}/endorse")
        name = f"Soak Org {self.run_id} {self.index} {self.n}"
        form = {
            "csrf_token": token,
            "organization_name": name,
            "kind": "ngo",
            "country": "KG",
            "website": "",
            "signatory_name": "Soak Director",
            "signatory_role": "Director",
            "contact_email": f"org-{self.run_id}-{self.index}-{self.n}@example.org",
            "comment": "",
            "wants_updates": "y",
            "homepage": "",
        }
        status, _ = self.request("POST", f"/appeals/{slug}/endorse", form, self.address())
        if status in (302, 303):
            with self.shared.lock:
                self.shared.endorsed.add(name)
        return status in (302, 303)

    def browse(self):
        slug = self.shared.slug
        path = random.choice(
            [
                "/",
                f"/appeals/{slug}",
                f"/appeals/{slug}/tracker",
                f"/appeals/{slug}/feed.atom",
                f"/appeals/{slug}/count.json",
                f"/appeals/{slug}/embed",
                f"/appeals/{slug}/card.png",
                "/authorities",
                f"/api/v1/appeals/{slug}/endorsements",
                f"/api/v1/appeals/{slug}/timeline",
            ]
        )
        status, _ = self.request("GET", path)
        return status == 200

    def run(self):
        while time.monotonic() < self.deadline:
            self.n += 1
            try:
                link = self.links.get_nowait() if random.random() < 0.8 else None
            except queue.Empty:
                link = None
            roll = random.random()
            try:
                if link is not None:
                    action, ok = f"confirm-{link[0]}", self.confirm(*link)
                elif roll < 0.45:
                    action, ok = "sign", self.sign()
                elif roll < 0.50:
                    action, ok = "endorse", self.endorse()
                else:
                    action, ok = "browse", self.browse()
            except Exception:
                action, ok = "exception", False
            with self.shared.lock:
                self.shared.actions[action] += 1
                if not ok:
                    self.shared.errors += 1


# --- setup and checks -----------------------------------------------------------------------


def fresh_database(base: str, name: str) -> str:
    parts = urllib.parse.urlsplit(base)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback databases only")
    engine = sa.create_engine(
        parts._replace(path="/postgres").geturl(), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parts._replace(path=f"/{name}").geturl()


def flask(env, *args, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/answerable_soak"
    )
    parser.add_argument("--logs", default=str(ROOT / "test-artifacts" / "soak"))
    args = parser.parse_args()

    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    name = urllib.parse.urlsplit(args.database).path.lstrip("/")
    url = fresh_database(args.database, name)
    http_port, smtp_port = free_port(), free_port()
    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATA_KEY_FILE": str(logs / "data.key"),
        "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": url,
        "SECRET_KEY": "soak-" + uuid.uuid4().hex,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "BASE_URL": f"http://127.0.0.1:{http_port}",
        "TRUSTED_PROXIES": "1",
        "RATELIMIT_ENABLED": "0",
        "REDIS_URL": "",
    }
    if not (logs / "data.key").exists():
        flask(env, "keys", "init")
    flask(env, "db", "upgrade")
    keep = ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "DATA_KEY_FILE")
    os.environ.update({k: env[k] for k in keep})

    from campaign import create_app
    from campaign.appeals.demo import load_demo
    from campaign.core.extensions import db

    app = create_app("production", SQLALCHEMY_DATABASE_URI=url, SECRET_KEY=env["SECRET_KEY"])
    with app.app_context():
        appeal, _ = load_demo()
        db.session.commit()
        slug, appeal_id = appeal.slug, appeal.id

    links: queue.Queue = queue.Queue()
    sink = Sink(smtp_port, links)
    sink.start()
    access_log, error_log = logs / "access.log", logs / "error.log"
    for log in (access_log, error_log):
        log.write_text("")  # gunicorn appends; each run checks only its own lines
    worker_log = open(logs / "worker.log", "w")  # noqa: SIM115 - closed at the end
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--no-control-socket",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{http_port}",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(error_log),
            "app:app",
        ],
        cwd=ROOT,
        env=env,
    )
    mail_worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "app", "outbox", "work", "--poll", "0.5"],
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    figures: dict = {}
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", http_port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)

        shared = Shared(slug)
        seconds = args.minutes * 60
        started = time.monotonic()
        run_id = uuid.uuid4().hex[:6]
        clients = [
            Client(i, "127.0.0.1", http_port, shared, links, started + seconds, run_id)
            for i in range(args.clients)
        ]
        for client in clients:
            client.start()
        # SMTP goes away in the middle, for a while, and comes back.
        time.sleep(seconds / 2)
        sink.stop()
        outage_start = time.monotonic()
        time.sleep(min(15.0, seconds / 10))
        sink.start()
        figures["smtp_outage_seconds"] = round(time.monotonic() - outage_start, 1)
        for client in clients:
            client.join()
        elapsed = time.monotonic() - started

        # Let the worker finish: waiting mail leaves after its backoff (30 s after a failure).
        with app.app_context():
            from campaign.mail.models import OutboxMessage

            deadline = time.monotonic() + 300
            while True:
                db.session.rollback()
                unsent = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
                )
                total = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
                with sink.lock:
                    received = len(sink.received)
                if (unsent == 0 and received >= total) or time.monotonic() > deadline:
                    break
                time.sleep(1)
            figures["mail_drain_seconds"] = round(time.monotonic() - started - elapsed, 1)
            failures += check(app, db, shared, sink, appeal_id, figures)
        figures.update(
            seconds=round(elapsed, 1),
            clients=args.clients,
            requests=sum(shared.statuses.values()),
            requests_per_second=round(sum(shared.statuses.values()) / elapsed, 1),
            p50_ms=round(percentile(shared.latencies, 0.5), 1),
            p99_ms=round(percentile(shared.latencies, 0.99), 1),
            statuses=dict(sorted(shared.statuses.items())),
            actions=dict(shared.actions),
            client_errors=shared.errors,
        )
    finally:
        for process in (mail_worker, gunicorn):
            process.send_signal(signal.SIGTERM)
        for process in (mail_worker, gunicorn):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        sink.stop()
        worker_log.close()

    verify = flask(env, "counts", "verify", check=False)
    figures["counts_verify"] = verify.stdout.strip()
    if verify.returncode != 0:
        failures.append(f"counts verify: {verify.stdout.strip()}")
    statuses = collections.Counter(ACCESS_STATUS.findall(access_log.read_text()))
    figures["access_log_statuses"] = dict(sorted(statuses.items()))
    if statuses.get("500") or any(s.startswith("5") for s in statuses):
        failures.append(f"5xx in the access log: {statuses}")
    if shared.statuses.get(500):
        failures.append(f"{shared.statuses[500]} answers were 500")
    app_errors = [
        line
        for line in (error_log.read_text() + (logs / "worker.log").read_text()).splitlines()
        if "Traceback" in line or "unhandled error" in line or "[ERROR]" in line
    ]
    figures["error_log_lines"] = len(app_errors)
    if app_errors:
        failures.append(f"errors in the logs: {app_errors[:5]}")
    figures["failures"] = failures
    print(json.dumps(figures, indent=2))
    print("SOAK PASSED" if not failures else "SOAK FAILED")
    return 0 if not failures else 1


def check(app, db, shared: Shared, sink: Sink, appeal_id: int, figures: dict) -> list[str]:
    from campaign.core.security import read_token
    from campaign.endorsements.models import Endorsement, Organization
    from campaign.mail.models import OutboxMessage
    from campaign.signatures.counting import signature_count
    from campaign.signatures.models import Signature
    from campaign.signatures.services import email_key

    failures = []
    db.session.rollback()
    rows = db.session.execute(
        sa.select(Signature.id, Signature.email_key, Signature.state, Signature.flagged).where(
            Signature.appeal_id == appeal_id
        )
    ).all()
    # Addresses are sealed, and erased at confirmation: rows are matched by their keyed hash.
    keys = collections.Counter(r.email_key for r in rows)
    accepted = {email_key(appeal_id, e, create=False): e for e in shared.accepted}
    doubled = [accepted.get(k, k) for k, n in keys.items() if n > 1]
    if doubled:
        failures.append(f"signatures stored twice: {doubled[:5]}")
    if set(keys) != set(accepted):
        failures.append(
            f"stored {len(keys)} signatures, accepted {len(shared.accepted)}: "
            f"missing {[accepted[k] for k in set(accepted) - set(keys)][:5]}, "
            f"extra {len(set(keys) - set(accepted))} unknown rows"
        )
    confirmed_ids = {r.id for r in rows if r.state == "confirmed"}
    clicked = {
        read_token("signature-confirm", p.rsplit("/", 1)[1]) for p in shared.confirmed_tokens
    }
    if clicked != confirmed_ids:
        failures.append(f"confirmed {len(clicked)} by link, {len(confirmed_ids)} rows confirmed")
    counted = {r.id for r in rows if r.state == "confirmed" and not r.flagged}
    shown = signature_count(appeal_id)
    if shown != len(counted):
        failures.append(f"counter {shown} != {len(counted)} confirmed signatures")
    endorsed = set(
        db.session.execute(
            sa.select(Organization.name)
            .join(Endorsement, Endorsement.organization_id == Organization.id)
            .where(Organization.name.like("Soak Org %"))
        ).scalars()
    )
    if endorsed != shared.endorsed:
        failures.append(f"endorsements stored {len(endorsed)}, accepted {len(shared.endorsed)}")
    outbox = db.session.execute(
        sa.select(OutboxMessage.to, OutboxMessage.subject, OutboxMessage.sent_at)
    ).all()
    unsent = [r for r in outbox if r.sent_at is None]
    if unsent:
        failures.append(f"{len(unsent)} outbox messages not sent")
    expected = collections.Counter(
        (r.to, clean(r.subject)) for r in outbox if r.sent_at is not None
    )
    with sink.lock:
        got = collections.Counter(sink.received)
    if got != expected:
        extra, missing = got - expected, expected - got
        failures.append(
            f"sink got {sum(got.values())}, outbox sent {sum(expected.values())}: "
            f"duplicated/unexpected {list(extra.items())[:3]}, missing {list(missing.items())[:3]}"
        )
    figures.update(
        signatures_accepted=len(shared.accepted),
        signatures_stored=len(rows),
        signatures_confirmed=len(confirmed_ids),
        counter=shown,
        endorsements=len(endorsed),
        outbox_messages=len(outbox),
        mails_received=sum(got.values()),
        outbox_retried=db.session.scalar(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(OutboxMessage.attempts > 1)
        ),
    )
    return failures


if __name__ == "__main__":
    raise SystemExit(main())
