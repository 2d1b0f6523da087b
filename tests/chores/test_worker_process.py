"""`flask worker` as its own process, as systemd runs it: workers started together run each
chore once between them, and SIGTERM stops one cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from campaign.mail.services import enqueue
from tests.chores.test_worker_command import DAILY

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
MODES = [
    pytest.param(False, id="polling"),
    pytest.param(
        True,
        id="rq",
        marks=pytest.mark.skipif(not TEST_REDIS_URL, reason="set TEST_REDIS_URL for the RQ path"),
    ),
]


@pytest.fixture
def rq(request) -> bool:
    return getattr(request, "param", False)


@pytest.fixture
def app_config(app_config, rq):
    # With Redis, the test's app pushes send jobs to the queue the worker serves.
    return {**app_config, "REDIS_URL": TEST_REDIS_URL if rq else None}


def _command(app, *arguments: str) -> list[str]:
    config = {
        name: app.config[name]
        for name in (
            "SQLALCHEMY_DATABASE_URI", "MAIL_SERVER", "MAIL_PORT", "DATA_KEY_FILE", "REDIS_URL",
            "MAIL_QUEUE_NAME",
        )
    }  # fmt: skip
    # As in production: a command's transactions take SQLite's write lock up front (the
    # suite's own app reads factory objects while live servers write, so it does not).
    config.update(SQLITE_IMMEDIATE_OUTSIDE_REQUESTS=True)
    settings = ", ".join(f"{name}={value!r}" for name, value in config.items())
    return [str(FLASK), "--app", f"campaign:create_app('testing', {settings})", *arguments]


def _start(app, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        _command(app, "worker", *arguments), cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_workers_started_together_run_each_chore_once(app, db, smtp):
    workers = [_start(app, "--once") for _ in range(3)]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], "\n=====\n".join(outputs)
    lines = "".join(outputs).splitlines()
    for name in DAILY:
        assert sum(line.startswith(f"{name}: ") for line in lines) == 1, (name, outputs)
        assert sum(f"chore {name} ok in " in line for line in lines) == 1, (name, outputs)


@pytest.mark.parametrize("rq", MODES, indirect=True)
def test_the_worker_sends_mail_runs_chores_and_stops_on_sigterm(app, db, smtp, rq):
    # With Redis the chores run when the RQ worker has been idle --safety-poll seconds.
    worker = _start(app, "--poll", "0.1", "--safety-poll", "1")
    try:
        lines = []
        deadline = time.monotonic() + 60
        while not any("chore counts-verify ok" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            line = worker.stdout.readline()
            assert line or worker.poll() is None, "".join(lines)
            lines.append(line)
        enqueue("someone@example.org", "test", subject_line="Hello", body="Body")
        db.session.commit()
        [mail] = smtp.wait_for(1, timeout=30)
        assert mail["Subject"] == "Hello"
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=10)
    except BaseException:
        worker.kill()
        worker.wait()
        raise
    assert worker.returncode == 0, "".join(lines) + output
    assert "Worker stopped." in output
    assert "chore rollup-fold ok" in "".join(lines)


@pytest.fixture(autouse=True)
def _no_leftover_rows(db):
    yield
    db.session.remove()  # the workers' rows are emptied with the test's tables
