"""`flask worker --once` through the CLI, with the real chores and the real SMTP sink: one
round runs what is due, mails what the chores wrote, and runs nothing twice."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.chores.models import ChoreRun
from campaign.signatures.models import SignatureCounter
from tests.conftest import _free_port

DAILY = ["rollup-fold", "deliveries-chasers", "deliveries-digest", "privacy-purge", "counts-verify"]


def rows(db) -> dict[str, ChoreRun]:
    db.session.expire_all()
    return {row.name: row for row in db.session.execute(sa.select(ChoreRun)).scalars()}


def test_one_round_runs_every_chore_once(runner, db, smtp, make_appeal):
    make_appeal()
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "privacy-purge: erased 0 signature(s), 0 endorsement(s), 0 outbox message(s)" in (
        result.output
    )
    assert "counts-verify: counts exact" in result.output
    assert f"Ran {len(DAILY)} chore(s); 0 not due" in result.output
    assert sorted(rows(db)) == sorted(DAILY)  # no IMAP_HOST: no inbox chore
    assert all(row.last_finished_at and row.last_error is None for row in rows(db).values())
    again = runner.invoke(args=["worker", "--once"])
    assert again.exit_code == 0, again.output
    assert f"Ran 0 chore(s); {len(DAILY)} not due or running elsewhere." in again.output
    assert smtp.messages == []  # exact counts, nothing to digest: nobody is mailed


def test_counts_that_drifted_are_mailed_to_the_admins(runner, db, smtp, make_appeal, make_user):
    appeal = make_appeal(title="Clean water for Osh")
    admin, editor = make_user("admin"), make_user("editor")
    retired = make_user("admin")
    retired.active = False
    db.session.add(SignatureCounter(appeal_id=appeal.id, shard=3, count=7))
    db.session.commit()

    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "counts-verify: 1 count(s) drifted; 1 admin(s) mailed" in result.output
    [mail] = smtp.wait_for(1)
    assert mail["To"] == admin.email and editor.email not in str(smtp.envelopes[0].rcpt_tos)
    assert mail["Subject"] == "Signature counts drifted"
    text = mail.get_body(("plain",)).get_content()
    assert "“Clean water for Osh”: the public count says 7, the signatures say 0" in text
    assert "flask counts verify --fix" in text
    html = mail.get_body(("html",)).get_content()
    assert "the public count says 7" in html
    # Nothing was repaired, and the check is nightly: no second mail the same day.
    assert db.session.execute(sa.select(sa.func.sum(SignatureCounter.count))).scalar() == 7
    runner.invoke(args=["worker", "--once"])
    assert len(smtp.messages) == 1


def test_a_failing_chore_fails_the_round_but_not_the_other_chores(app, runner, db, smtp):
    app.config.update(
        IMAP_HOST="127.0.0.1", IMAP_PORT=_free_port(), IMAP_USER="inbox@answerable.test",
        IMAP_PASSWORD="p", IMAP_TLS="none",
    )  # fmt: skip
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert "inbox-fetch: failed: ImapError: Cannot reach the IMAP server" in result.output
    assert f"Ran {len(DAILY) + 1} chore(s)" in result.output
    stored = rows(db)
    assert "Cannot reach the IMAP server" in stored["inbox-fetch"].last_error
    assert all(stored[name].last_error is None for name in DAILY)


def test_the_older_commands_still_run_on_their_own(runner, db, smtp):
    purge = runner.invoke(args=["privacy", "purge"])
    verify = runner.invoke(args=["counts", "verify"])
    outbox = runner.invoke(args=["outbox", "work", "--once"])
    assert [purge.exit_code, verify.exit_code, outbox.exit_code] == [0, 0, 0]
    assert "Counts are exact." in verify.output and "Sent 0 message(s)" in outbox.output
    assert "privacy-purge" not in rows(db)  # one-off runs do not touch the schedule
