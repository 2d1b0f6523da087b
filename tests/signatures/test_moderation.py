"""Invalidation by moderators, and `flask counts verify` catching drift."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEntry
from campaign.core.validation import InvalidInput
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature, SignatureCounter
from campaign.signatures.services import invalidate_signatures
from tests.signatures.helpers import deliver, links, sign


def _sign_and_confirm(client, smtp, appeal, emails, confirm=True):
    for email in emails:
        sign(client, appeal, email=email)
    messages = deliver(smtp, len(emails))
    if confirm:
        for message in messages:
            client.post(links(message)["confirm"])


def test_invalidation_stops_counting_and_is_audited(client, db, smtp, make_appeal, make_user):
    appeal = make_appeal()
    _sign_and_confirm(client, smtp, appeal, ["a@example.org", "b@example.org", "c@example.org"])
    sign(client, appeal, email="pending@example.org")
    assert signature_count(appeal.id) == 3
    rows = db.session.execute(sa.select(Signature).order_by(Signature.id)).scalars().all()
    moderator = make_user("moderator")
    with pytest.raises(InvalidInput):
        invalidate_signatures(moderator, rows[:2], "  ")
    assert invalidate_signatures(moderator, [rows[0], rows[1], rows[3]], "bots") == 3
    assert invalidate_signatures(moderator, [rows[0]], "again") == 0
    db.session.commit()
    assert signature_count(appeal.id) == 1
    assert rows[0].state == "invalidated" and rows[0].invalidation_reason == "bots"
    assert rows[0].email == "a@example.org"  # moderation keeps the data (privacy purge erases)
    entry = db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "signatures.invalidate")
    ).scalar_one()
    assert '"count": 3' in entry.detail


def test_counts_verify_reports_drift_and_exits_1(client, db, smtp, runner, make_appeal):
    appeal = make_appeal()
    _sign_and_confirm(client, smtp, appeal, ["a@example.org", "b@example.org"])
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 0, result.output
    assert "exact" in result.output
    db.session.execute(
        sa.update(SignatureCounter)
        .where(SignatureCounter.appeal_id == appeal.id)
        .values(count=SignatureCounter.count + 5)
    )
    db.session.commit()
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 1
    assert (
        f"appeal {appeal.id}: counter says " in result.output
        and "signatures say 2" in result.output
    )
    result = runner.invoke(args=["counts", "verify", "--fix"])
    assert result.exit_code == 1
    db.session.expire_all()
    assert signature_count(appeal.id) == 2
    assert runner.invoke(args=["counts", "verify"]).exit_code == 0
