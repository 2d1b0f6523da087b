"""What a web worker imports: each module a worker never needs costs every gunicorn worker its
memory for as long as it runs (issue 8: the gunicorn tree's RSS), so the heavy ones the web
paths do not use stay out, and the CLI still has what it needs."""

from __future__ import annotations

import ctypes
import json
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Loaded only by the commands, the suite or rare requests (share image, QR codes), never
#: by building the app: Alembic with Mako and Pygments alone are ~11 MB per worker.
NOT_IN_A_WORKER = (
    "alembic",
    "flask_migrate",
    "mako",
    "pygments",
    "qrcode",
    "PIL",  # logos, documents and share images import it when they run
    "argon2",  # signing in; public pages and signing never check a password
    "slugify",  # campaigners' edits
    "markdown",  # rendered on save, in a child process (campaign.core.markdown_render)
    "nh3",
    "statistics",
    "flask_mail",  # only the outbox worker sends; web workers write outbox rows
    "smtplib",
    "campaign.signatures.cli",  # the `flask ...` commands: the CLI and the suite build them
    "campaign.worker",
    "campaign.chores.schedule",  # `flask worker`'s chores (the ChoreRun model is tiny)
    "campaign.chores.cli",
    "campaign.signatures.drift",
    "campaign.mail.worker",
    "re2",  # redaction rules: saved and applied on publishing only
    "aiosmtpd",  # `flask inbox serve`
    "campaign.inbox.imap",  # `flask inbox fetch`
    "holidays",  # working days: when a delivery's due date is computed
)
#: The scale-out clients, needed only when DATABASE_URL / REDIS_URL point at them.
NOT_ON_SQLITE = ("psycopg", "redis", "rq", "sqlalchemy.dialects.postgresql")

# Builds the app as `gunicorn app:app` does (import the module, read `app`) and reports what
# it loaded.
BUILD = """
import json, sys
from app import app
print(json.dumps({"blueprints": sorted(app.blueprints), "modules": sorted(sys.modules)}))
"""


def _environment(tmp_path: Path, **extra: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "APP_ENV", "DATABASE_URL", "REDIS", "TEST_"))
    }
    env.update(
        APP_ENV="production",
        SECRET_KEY="worker-memory-test-secret-key",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def test_a_web_worker_does_not_import_what_only_commands_need(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", BUILD],
        cwd=ROOT,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    built = json.loads(out.stdout.splitlines()[-1])
    assert {"appeals", "sharing", "signatures"} <= set(built["blueprints"])  # a whole app
    modules = set(built["modules"])
    loaded = sorted(name for name in NOT_IN_A_WORKER + NOT_ON_SQLITE if name in modules)
    assert loaded == [], f"a web worker imports {loaded}: import them where they are used"


def test_the_flask_command_still_has_the_migration_commands(tmp_path):
    flask = Path(sys.executable).parent / "flask"
    out = subprocess.run(
        [str(flask), "--app", "app", "db", "heads"],
        cwd=ROOT,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "(head)" in out.stdout


# A `flask` command as the shell runs it; writes the modules it loaded to the file in argv[1].
COMMAND = """
import atexit, json, sys
out, sys.argv = sys.argv[1], ["flask", "--app", "app", *sys.argv[2:]]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from flask.cli import main
main()
"""


def test_the_background_worker_and_other_commands_go_without_flask_migrate(tmp_path):
    """Flask-Migrate with Alembic, Mako and Pygments (11 MB) only for `flask db ...`: the
    background worker is a `flask` command too, running for as long as the server."""
    out = tmp_path / "modules.json"
    for command, loaded in ((["outbox", "--help"], False), (["db", "heads"], True)):
        subprocess.run(
            [sys.executable, "-c", COMMAND, str(out), *command], cwd=ROOT,
            env=_environment(tmp_path), capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        modules = set(json.loads(out.read_text()))
        if loaded:
            assert {"flask_migrate", "alembic"} <= modules
        else:
            assert not {"flask_migrate", "alembic", "mako", "pygments"} & modules


# Four threads allocate at the same time, then glibc's malloc_info lists the heaps (arenas).
ARENAS = """
import ctypes, runpy, sys, tempfile, threading
runpy.run_path(sys.argv[1])["_limit_malloc_arenas"](int(sys.argv[2]))
barrier = threading.Barrier(4)
def work():
    block = bytearray(200_000)  # above pymalloc's limit: a malloc() in this thread
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile() as out:
    stream = libc.fopen(out.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(open(out.name).read().count("<heap nr="))
"""


def _arenas(limit: int) -> int:
    out = subprocess.run(
        [sys.executable, "-c", ARENAS, str(ROOT / "gunicorn.conf.py"), str(limit)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(out.stdout)


@pytest.mark.skipif(
    not hasattr(ctypes.CDLL(None), "gnu_get_libc_version"), reason="malloc arenas are glibc's"
)
def test_gunicorn_workers_limit_their_malloc_arenas():
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["malloc_arena_max"] > 0
    assert _arenas(0) > 1  # glibc's default: threads get arenas of their own
    assert _arenas(2) == 2


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["outbox", "--help"], "work"),  # the outbox worker binds Flask-Mail itself
        (["worker", "--help"], "--once"),
        (["counts", "verify"], "Counts are exact."),
        (["export", "--help"], "signatures"),
    ],
)
def test_the_flask_command_has_the_commands_a_worker_leaves_out(tmp_path, command, expected):
    flask = Path(sys.executable).parent / "flask"
    env = _environment(tmp_path)
    subprocess.run(
        [str(flask), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env, check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    out = subprocess.run(
        [str(flask), "--app", "app", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert expected in out.stdout
