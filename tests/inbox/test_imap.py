"""`flask inbox fetch` against a real dovecot on loopback."""

from __future__ import annotations

import imaplib

import pytest

from tests.inbox.conftest import IMAP_PASSWORD, IMAP_USER
from tests.inbox.helpers import reply, stored


@pytest.fixture
def imap_app(app, dovecot):
    app.config.update(
        IMAP_HOST=dovecot.host, IMAP_PORT=dovecot.port, IMAP_USER=IMAP_USER,
        IMAP_PASSWORD=IMAP_PASSWORD, IMAP_TLS="none",
    )  # fmt: skip
    return app


def _unseen(dovecot) -> list[bytes]:
    client = imaplib.IMAP4(dovecot.host, dovecot.port)
    try:
        client.login(IMAP_USER, IMAP_PASSWORD)
        client.select("INBOX", readonly=True)
        return client.uid("SEARCH", None, "UNSEEN")[1][0].split()
    finally:
        client.logout()


def test_fetch_once_stores_unseen_messages_and_marks_them_seen(imap_app, runner, dovecot, target):
    dovecot.deliver(reply(target.reply_to).as_bytes(), "reply")
    lost = reply("info@answerable.test", message_id="<other@x>", In_Reply_To="<nothing@x>")
    dovecot.deliver(lost.as_bytes(), "lost")
    result = runner.invoke(args=["inbox", "fetch", "--once"])
    assert result.exit_code == 0, result.output
    assert "Stored 2 message(s)" in result.output
    matched, unmatched = stored()
    assert matched.matched_by == "token" and matched.appeal_id == target.appeal.id
    assert unmatched.appeal_id is None
    assert _unseen(dovecot) == []
    again = runner.invoke(args=["inbox", "fetch", "--once"])
    assert "Stored 0 message(s)" in again.output and len(stored()) == 2


def test_a_message_over_the_limit_is_flagged_not_stored(imap_app, runner, dovecot, target):
    imap_app.config["INBOX_MAX_MESSAGE_BYTES"] = 2000
    dovecot.deliver(reply(target.reply_to, body="x" * 5000).as_bytes(), "big")
    result = runner.invoke(args=["inbox", "fetch", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 too large" in result.output and stored() == []


def test_bad_credentials_say_so_and_fail(imap_app, runner, dovecot):
    imap_app.config["IMAP_PASSWORD"] = "wrong"
    result = runner.invoke(args=["inbox", "fetch", "--once"])
    assert result.exit_code != 0
    assert "refused the login" in result.output


def test_an_unreachable_server_says_so_and_fails(app, runner):
    from tests.conftest import _free_port

    app.config.update(IMAP_HOST="127.0.0.1", IMAP_PORT=_free_port(), IMAP_USER="u",
                      IMAP_PASSWORD="p", IMAP_TLS="none")  # fmt: skip
    result = runner.invoke(args=["inbox", "fetch", "--once"])
    assert result.exit_code != 0 and "Cannot reach the IMAP server" in result.output


def test_clear_text_imap_is_refused_off_loopback(app, runner):
    app.config.update(IMAP_HOST="imap.example.org", IMAP_USER="u", IMAP_PASSWORD="p",
                      IMAP_TLS="none")  # fmt: skip
    result = runner.invoke(args=["inbox", "fetch", "--once"])
    assert result.exit_code != 0 and "only for a loopback host" in result.output


def test_missing_settings_are_named(app, runner):
    result = runner.invoke(args=["inbox", "fetch", "--once"])
    assert result.exit_code != 0 and "IMAP_HOST" in result.output
