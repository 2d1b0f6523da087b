"""`flask outbox work` in a real process, polling the table or as an RQ worker: SIGTERM and
SIGINT stop it within seconds, exit 0, after finishing the message in flight and giving the
rest of its batch back at once; a second signal stops it at once. A worker killed outright
leaves its claims to expire, and nothing is lost."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from campaign.core.database import utcnow
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.mail.worker import drain

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
N = 20
EXIT_WITHIN = 5.0  # seconds

MODES = [
    pytest.param(False, id="polling"),
    pytest.param(
        True,
        id="rq",
        marks=pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL for the RQ path"),
    ),
]
SIGNALS = [pytest.param(signal.SIGTERM, id="SIGTERM"), pytest.param(signal.SIGINT, id="SIGINT")]


@pytest.fixture
def rq(request) -> bool:
    """Whether the worker runs as an RQ worker (parametrized, indirect) or polls the table."""
    return getattr(request, "param", False)


@pytest.fixture
def app_config(app_config, rq):
    # The test's own app pushes jobs to the queue the worker serves, or to no Redis at all.
    return {**app_config, "REDIS_URL": TEST_REDIS_URL if rq else None}


class Worker:
    """`flask outbox work` as its own process, on the test's database and mail server."""

    def __init__(self, app):
        config = {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "MAIL_SERVER": app.config["MAIL_SERVER"],
            "MAIL_PORT": app.config["MAIL_PORT"],
            "REDIS_URL": app.config["REDIS_URL"],
            "MAIL_QUEUE_NAME": app.config["MAIL_QUEUE_NAME"],
        }
        arguments = ", ".join(f"{name}={value!r}" for name, value in config.items())
        command = [str(FLASK), "--app", f"campaign:create_app('testing', {arguments})"]
        command += ["outbox", "work", "--poll", "0.1", "--safety-poll", "1"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def signal(self, signum) -> None:
        self.process.send_signal(signum)

    def wait_for_output(self, text: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert time.monotonic() < deadline, f"no {text!r} in {''.join(self.lines)}"
            time.sleep(0.02)

    def exit_code(self, timeout: float = EXIT_WITHIN) -> int:
        """Its exit code, which must come within `timeout` seconds."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"still running {timeout} s later:\n{''.join(self.lines)}")
        self._reader.join(timeout=5)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
        self.process.stdout.close()


@pytest.fixture
def start_worker(app):
    workers: list[Worker] = []

    def start() -> Worker:
        workers.append(Worker(app))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


def _enqueue(db, n: int) -> list[str]:
    addresses = [f"person{i}@example.org" for i in range(n)]
    for address in addresses:
        enqueue(address, "test", subject_line="Hello", body="Body")
    db.session.commit()
    return addresses


def _rows(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()


@pytest.mark.parametrize("rq", MODES, indirect=True)
@pytest.mark.parametrize("signum", SIGNALS)
def test_an_idle_worker_stops_at_once(db, smtp, start_worker, signum):
    _enqueue(db, 1)
    worker = start_worker()
    smtp.wait_for(1, timeout=30)  # it runs: it sent the mail waiting for it
    worker.signal(signum)
    assert worker.exit_code() == 0
    assert "Outbox worker stopped." in "".join(worker.lines)


@pytest.mark.parametrize("rq", MODES, indirect=True)
@pytest.mark.parametrize("signum", SIGNALS)
def test_a_signal_mid_batch_finishes_the_message_in_flight_and_gives_back_the_rest(
    app, db, gated_smtp, start_worker, signum
):
    app.config["MAIL_PORT"] = gated_smtp.port
    _enqueue(db, N)
    worker = start_worker()
    assert gated_smtp.holding.wait(30)  # the first message is in flight
    worker.signal(signum)
    worker.wait_for_output("stopping after the message in flight")
    gated_smtp.gate.set()
    assert worker.exit_code() == 0

    assert [m["To"] for m in gated_smtp.wait_for(1)] == ["person0@example.org"]
    first, *rest = _rows(db)
    assert first.sent_at is not None
    # Given back at once, no attempt counted: the next worker sends them now.
    assert [(m.sent_at, m.locked_until, m.attempts) for m in rest] == [(None, None, 0)] * (N - 1)
    assert drain() == N - 1


def test_a_second_signal_stops_at_once(app, db, gated_smtp, start_worker):
    # Polling only: RQ's own worker ignores a second signal within a second of the first.
    app.config["MAIL_PORT"] = gated_smtp.port
    _enqueue(db, N)
    worker = start_worker()
    assert gated_smtp.holding.wait(30)
    worker.signal(signal.SIGTERM)
    worker.wait_for_output("stopping after the message in flight")
    worker.signal(signal.SIGTERM)  # the server still holds the message in flight
    assert worker.exit_code() == 0
    # The whole batch was given back: the message in flight may go twice, none is lost.
    assert [(m.sent_at, m.locked_until, m.attempts) for m in _rows(db)] == [(None, None, 0)] * N


def test_a_worker_killed_outright_leaves_its_claims_to_expire(app, db, gated_smtp, start_worker):
    app.config["MAIL_PORT"] = gated_smtp.port
    addresses = _enqueue(db, N)
    worker = start_worker()
    assert gated_smtp.holding.wait(30)
    worker.signal(signal.SIGKILL)  # nothing runs: no claim is given back
    assert worker.exit_code() == -signal.SIGKILL
    gated_smtp.gate.set()
    assert all(m.sent_at is None and m.locked_until is not None for m in _rows(db))
    assert drain() == 0  # nobody sends them while the claims hold

    db.session.execute(sa.update(OutboxMessage).values(locked_until=utcnow()))
    db.session.commit()
    assert drain() == N
    received = collections.Counter(m["To"] for m in gated_smtp.wait_for(N))
    # Only the message in flight when it died may arrive twice.
    assert received - collections.Counter(addresses) <= collections.Counter(addresses[:1])
    assert set(received) == set(addresses)
