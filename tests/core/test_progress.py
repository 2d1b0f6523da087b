"""Progress on long commands: a bar on stderr when it is a terminal, nothing extra when it is
not, and an export's stdout the same bytes either way. The helper is tested with a stream
that says it is a terminal; the commands through a real pseudo-terminal."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from campaign.appeals.demo import demo_steps
from campaign.core.database import utcnow
from campaign.core.extensions import db as _db
from campaign.core.progress import nothing, progress, progress_bar
from campaign.endorsements.models import Endorsement
from campaign.endorsements.organizations import get_or_create_organization
from campaign.responses.mailshots import start_update_mailing
from campaign.responses.services import post_update
from campaign.signatures.counting import verify_counts, verify_rollups
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key
from tests.factories import markdown

ROOT = Path(__file__).resolve().parents[2]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_bar_counts_to_the_total():
    stream = Terminal()
    chunks = ["a,b\r\n", "c\r\nd\r\n"]
    items = list(progress(chunks, "Exporting", 3, size=lambda c: c.count("\n"), stream=stream))
    assert items == chunks
    drawn = stream.getvalue()
    assert "Exporting" in drawn
    assert "100%" in drawn
    with progress_bar("Recounting", lambda: 4, stream=(stream := Terminal())) as advance:
        for _ in range(4):
            advance(1)
    assert "4/4" in stream.getvalue() and "100%" in stream.getvalue()


def test_off_a_terminal_nothing_is_written_and_nothing_is_counted():
    def total():
        raise AssertionError("a COUNT was asked for with no bar to draw")

    stream = io.StringIO()
    assert list(progress(iter([1, 2, 3]), "Exporting", total, stream=stream)) == [1, 2, 3]
    with progress_bar("Recounting", total, stream=stream) as advance:
        assert advance is nothing
    assert stream.getvalue() == ""


# --- the commands, with stderr on a real pseudo-terminal ------------------------------------------


def _run(args: list[str], env: dict, tty: bool) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr) of `flask ARGS`; stderr on a pseudo-terminal when tty."""
    _db.session.remove()  # no read transaction of the test's holds up a WAL checkpoint
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "app", *args]
    if not tty:
        out = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, timeout=120)
        return out.returncode, out.stdout, out.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        flask, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=follower,
    )  # fmt: skip
    os.close(follower)
    drawn = bytearray()

    def read_terminal():
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command closed its end
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    stdout, _ = proc.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(leader)
    return proc.returncode, stdout, bytes(drawn)


@pytest.fixture
def command_env(app, app_config) -> dict:
    """The environment of a `flask` command on the suite's database and key file."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FLASK_", "APP_ENV", "DATABASE_URL", "REDIS", "TEST_"))
    }
    env.update(
        APP_ENV="development",
        SECRET_KEY="progress-test-" + "k" * 40,
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        DATA_KEY_FILE=app_config["DATA_KEY_FILE"],
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


@pytest.fixture
def signed(db, make_appeal):
    appeal = make_appeal()
    for i in range(600):  # more than one export batch (500)
        email = f"signer{i}@example.org"
        db.session.add(
            Signature(
                appeal_id=appeal.id, name=f"Signer {i}", email=email,
                email_key=email_key(appeal.id, email), country="KG", state="confirmed",
                confirmed_at=utcnow(), wants_updates=i % 2 == 0, language="en",
            )
        )  # fmt: skip
    organization = get_or_create_organization("Press Club", kind="ngo")
    db.session.add(
        Endorsement(
            appeal_id=appeal.id, organization=organization, signatory_name="Director",
            contact_email="press@example.org", state="approved", language="en",
        )
    )  # fmt: skip
    db.session.commit()
    return appeal


@pytest.mark.parametrize("what", ["signatures", "endorsements"])
def test_an_export_draws_a_bar_on_a_terminal_and_writes_the_same_bytes(command_env, signed, what):
    code, piped_out, piped_err = _run(["export", what, signed.slug], command_env, tty=False)
    assert code == 0, piped_err
    assert piped_err == b""  # piped: nothing extra
    assert piped_out.count(b"\r\n") == (601 if what == "signatures" else 2)
    code, out, drawn = _run(["export", what, signed.slug], command_env, tty=True)
    assert code == 0, drawn
    assert out == piped_out
    assert f"Exporting {what}".encode() in drawn
    rows = 601 if what == "signatures" else 2
    assert f"{rows}/{rows}".encode() in drawn and b"100%" in drawn


def _mailshot(db, appeal, make_user) -> None:
    editor = make_user("editor")
    update = post_update(editor, appeal, "Delivered", markdown("We delivered the appeal."))
    start_update_mailing(editor, update)
    db.session.commit()


def _exact(db, appeal, make_user) -> None:
    """The counters the rows inserted here skipped."""
    verify_counts(fix=True)
    verify_rollups(fix=True)
    db.session.commit()


def _withdrawn(db, appeal, make_user) -> None:
    """A withdrawn signature whose personal data is still there: the purge erases it."""
    email = "changed-my-mind@example.org"
    db.session.add(
        Signature(
            appeal_id=appeal.id, name="Changed", email=email, state="withdrawn",
            email_key=email_key(appeal.id, email), country="KG", language="en",
        )
    )  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize(
    ("args", "prepare", "label", "steps", "stdout"),
    [
        (["counts", "verify"], _exact, "Checking the hourly rollup", "1/1", b"Counts are exact."),
        (["demo", "load"], None, "Loading the demo appeal", f"{demo_steps()}/", b"Loaded: /"),
        (["privacy", "purge"], _withdrawn, "Erasing signers' personal data", "1/1", b"Erased"),
        (["mailshots", "send"], _mailshot, "Queueing mailshots", "301/301", b"Finished 1 "),
        (
            ["privacy", "shred", "SLUG", "--yes"],
            None,
            "Blanking signatures",
            "600/600",
            b"Blanked",
        ),
    ],
)
def test_long_commands_draw_a_bar_only_on_a_terminal(
    command_env, db, signed, make_user, args, prepare, label, steps, stdout
):
    if prepare:
        prepare(db, signed, make_user)
    args = [signed.slug if arg == "SLUG" else arg for arg in args]
    code, out, drawn = _run(args, command_env, tty=True)
    assert code == 0, drawn
    assert label.encode() in drawn and b"100%" in drawn
    assert steps.encode() in drawn
    assert stdout in out
    assert label.encode() not in out  # the bar is on stderr only
