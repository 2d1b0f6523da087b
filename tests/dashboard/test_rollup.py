"""The hourly rollup stays equal to a recount through confirmations, withdrawals and
invalidations, and `counts verify` notices when it does not."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.core.extensions import db
from campaign.signatures.counting import signature_count, verify_rollups
from campaign.signatures.models import SignatureHourly
from campaign.signatures.rollup import NO_REF, recounted_keys, stored_keys
from campaign.signatures.services import invalidate_signatures, withdraw_signature
from tests.dashboard.helpers import appeal_at, signed, utc


def test_rollup_agrees_with_a_recount_through_every_state_change(app, make_user):
    appeal = appeal_at(utc(2025, 6, 1, 8))
    moderator = make_user("moderator")
    a = signed(appeal, utc(2025, 6, 1, 9, 15), "KG", "telegram")
    b = signed(appeal, utc(2025, 6, 1, 9, 45), "KG", "telegram")
    c = signed(appeal, utc(2025, 6, 1, 11, 5), "KZ")
    signed(appeal, utc(2025, 6, 2, 3, 0), "DE", "whatsapp")
    signed(appeal, utc(2025, 6, 2, 3, 30), "DE", confirm=False)  # pending: not counted
    assert stored_keys(appeal.id)[(utc(2025, 6, 1, 9), "KG", "telegram")] == 2
    assert stored_keys(appeal.id)[(utc(2025, 6, 1, 11), "KZ", NO_REF)] == 1

    withdraw_signature(a)
    withdraw_signature(a)  # repeated: no second decrement
    invalidate_signatures(moderator, [c], "duplicate person")
    db.session.commit()

    stored = stored_keys(appeal.id)
    assert stored == recounted_keys(appeal.id)
    assert stored[(utc(2025, 6, 1, 9), "KG", "telegram")] == 1
    assert (utc(2025, 6, 1, 11), "KZ", NO_REF) not in stored
    assert sum(stored.values()) == signature_count(appeal.id) == 2
    invalidate_signatures(moderator, [b], "spam")
    db.session.commit()
    assert sum(stored_keys(appeal.id).values()) == signature_count(appeal.id) == 1
    assert verify_rollups() == []


def test_flagged_signatures_never_enter_the_rollup(app):
    appeal = appeal_at(utc(2025, 6, 1, 8))
    flagged = signed(appeal, utc(2025, 6, 1, 9), confirm=False)
    flagged.flagged = "blocked network"
    db.session.commit()
    from campaign.signatures.services import confirm_signature

    confirm_signature(flagged)
    withdraw_signature(flagged)
    db.session.commit()
    assert stored_keys(appeal.id) == {}
    assert verify_rollups() == []


def test_counts_verify_reports_and_fixes_rollup_drift(app, runner):
    appeal = appeal_at(utc(2025, 6, 1, 8))
    signed(appeal, utc(2025, 6, 1, 9), "KG")
    signed(appeal, utc(2025, 6, 1, 10), "KG")
    assert runner.invoke(args=["counts", "verify"]).exit_code == 0
    # Move one signature to another hour behind the services' back: totals agree, hours not.
    db.session.execute(
        sa.update(SignatureHourly)
        .where(SignatureHourly.appeal_id == appeal.id, SignatureHourly.hour == utc(2025, 6, 1, 10))
        .values(hour=utc(2025, 6, 1, 12))
    )
    db.session.commit()
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 1
    assert f"appeal {appeal.id}: hourly rollup says 2, signatures say 2 (2" in result.output
    assert runner.invoke(args=["counts", "verify", "--fix"]).exit_code == 1
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 0, result.output
    assert stored_keys(appeal.id) == recounted_keys(appeal.id)


def test_a_lost_rollup_row_is_drift_in_the_total(app, runner):
    appeal = appeal_at(utc(2025, 6, 1, 8))
    signed(appeal, utc(2025, 6, 1, 9), "KG")
    db.session.execute(sa.delete(SignatureHourly))
    db.session.commit()
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 1
    assert "hourly rollup says 0, signatures say 1" in result.output


def test_folding_shards_keeps_the_figures_and_leaves_recent_hours(app, runner):
    from campaign.signatures.rollup import fold_shards

    appeal = appeal_at(utc(2025, 6, 1, 8))
    for minute in range(20):
        signed(appeal, utc(2025, 6, 1, 9, minute), "KG", "telegram")
    for minute in range(20):
        signed(appeal, utc(2025, 6, 1, 12, minute), "KG", "telegram")

    def rows(hour):
        return db.session.execute(
            sa.select(sa.func.count()).where(SignatureHourly.hour == hour)
        ).scalar_one()

    assert rows(utc(2025, 6, 1, 9)) > 1 and rows(utc(2025, 6, 1, 12)) > 1
    before = rows(utc(2025, 6, 1, 12))
    removed = fold_shards(utc(2025, 6, 1, 12, 30))  # the 12:00 hour is still open
    db.session.commit()
    assert rows(utc(2025, 6, 1, 9)) == 1 and rows(utc(2025, 6, 1, 12)) == before
    assert removed > 0
    assert stored_keys(appeal.id) == recounted_keys(appeal.id)
    assert fold_shards(utc(2025, 6, 1, 12, 30)) == 0
    result = runner.invoke(args=["counts", "fold", "--hours", "0"])
    assert result.exit_code == 0 and "row(s) fewer" in result.output
    assert rows(utc(2025, 6, 1, 12)) == 1
    assert runner.invoke(args=["counts", "verify"]).exit_code == 0
    assert runner.invoke(args=["counts", "fold", "--hours", "-1"]).exit_code != 0
