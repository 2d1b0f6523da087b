"""`flask privacy purge`: personal data of old closed appeals and of withdrawn signatures is
erased; counts, countries, states, times, counters and the hourly rollup stay exact."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from campaign.appeals.services import close_appeal
from campaign.core.database import utcnow
from campaign.endorsements.models import Endorsement, Organization
from campaign.mail.models import OutboxMessage
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature, SignatureCounter, SignatureHourly
from campaign.signatures.rollup import record_signature
from tests.endorsements.helpers import endorse
from tests.endorsements.helpers import mails as endorsement_mails
from tests.signatures.helpers import by_email, deliver, links, sign

PERSONAL = ("name", "email", "email_key", "city", "ip_key")


def _sign_and_confirm(client, smtp, appeal, email, total, confirm=True, **kw):
    sign(client, appeal, email=email, **kw)
    message = deliver(smtp, total)[-1]
    if confirm:
        assert client.post(links(message)["confirm"]).status_code == 303
    return links(message)


def _rows(db, appeal):
    db.session.expire_all()
    return (
        db.session.execute(
            sa.select(Signature).where(Signature.appeal_id == appeal.id).order_by(Signature.id)
        )
        .scalars()
        .all()
    )


def _snapshot(db):
    db.session.expire_all()
    counters = db.session.execute(
        sa.select(SignatureCounter.appeal_id, SignatureCounter.shard, SignatureCounter.count)
    ).all()
    hourly = db.session.execute(sa.select(SignatureHourly.__table__)).all()
    states = db.session.execute(
        sa.select(
            Signature.id,
            Signature.state,
            Signature.country,
            Signature.confirmed_at,
            Signature.created_at,
        ).order_by(Signature.id)
    ).all()
    return sorted(counters), sorted(hourly), states


def test_purge_erases_old_closed_and_withdrawn_and_keeps_counts(
    client, db, smtp, runner, make_appeal
):
    old = make_appeal()
    current = make_appeal()
    _sign_and_confirm(client, smtp, old, "one@example.org", 1)
    _sign_and_confirm(client, smtp, old, "two@example.org", 2)
    _sign_and_confirm(client, smtp, old, "three@example.org", 3, confirm=False)
    _sign_and_confirm(client, smtp, current, "four@example.org", 4)
    withdrawn = _sign_and_confirm(client, smtp, current, "five@example.org", 5)
    _sign_and_confirm(client, smtp, current, "six@example.org", 6)
    client.post(withdrawn["withdraw"])
    assert endorse(client, old.slug, contact_email="press@kloop.kg").status_code == 302
    endorsement_mails(smtp, 7)

    # A withdrawn row whose data was left behind (say, by an older version): purge catches it.
    six = by_email(db, "six@example.org")
    record_signature(six, -1)  # what withdrawing it would have done to the hourly figures
    db.session.execute(
        sa.update(Signature)
        .where(Signature.id == six.id)
        .values(state="withdrawn", withdrawn_at=utcnow())
    )
    counter = db.session.execute(
        sa.select(SignatureCounter).where(SignatureCounter.appeal_id == current.id).limit(1)
    ).scalar_one()
    counter.count -= 1  # what withdrawing it would have done to the count
    close_appeal(None, old)
    old.closed_at = utcnow() - dt.timedelta(days=400)
    # Outbox: one message sent 40 days ago, the others recently. Signers' mail is sealed and
    # blanked once sent (campaign.mail.services), so none of it waits for the purge.
    fourth = db.session.execute(
        sa.select(OutboxMessage.id).order_by(OutboxMessage.id).offset(3).limit(1)
    ).scalar_one()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == fourth)
        .values(sent_at=utcnow() - dt.timedelta(days=40))
    )
    db.session.commit()
    assert signature_count(old.id) == 2 and signature_count(current.id) == 1
    before = _snapshot(db)

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would erase personal data of 4 signature(s)" in dry.output
    assert "Would erase contact data of 1 endorsement(s)" in dry.output
    assert "Would erase 0 old outbox message(s)" in dry.output
    assert _rows(db, old)[0].email == "one@example.org"  # dry run changes nothing

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Erased personal data of 4 signature(s)." in result.output
    assert "Erased contact data of 1 endorsement(s)." in result.output

    for row in _rows(db, old):
        assert all(getattr(row, field) is None for field in PERSONAL)
        assert row.personal_data_erased_at is not None and row.country == "KG"
    assert [r.state for r in _rows(db, old)] == ["confirmed", "confirmed", "pending"]
    four, five, six = _rows(db, current)
    assert four.email == "four@example.org" and four.name and four.ip_key  # appeal open
    assert six.email is None and six.personal_data_erased_at is not None
    assert five.email is None
    assert _snapshot(db) == before
    assert signature_count(old.id) == 2 and signature_count(current.id) == 1
    verify = runner.invoke(args=["counts", "verify"])
    assert verify.exit_code == 0 and "Counts are exact" in verify.output

    endorsement = db.session.execute(sa.select(Endorsement)).unique().scalar_one()
    assert endorsement.contact_email is None and endorsement.ip_key is None
    assert endorsement.signatory_name == "Aida Sultanova"
    assert db.session.execute(sa.select(Organization.name)).scalar_one() == "Kloop Media"

    # Mail: nothing addressed to an erased signer, or older than the outbox retention, remains.
    addresses = set(db.session.execute(sa.select(OutboxMessage.to)).scalars())
    assert addresses == {""}
    for message in db.session.execute(sa.select(OutboxMessage)).scalars():
        if message.to == "":
            assert message.text == "" and message.subject == "" and message.html is None
            assert message.sent_at is not None

    again = runner.invoke(args=["privacy", "purge"])
    assert "Erased personal data of 0 signature(s)." in again.output
    assert "Erased contact data of 0 endorsement(s)." in again.output
    assert "Erased 0 old outbox message(s)." in again.output


def test_recently_closed_appeal_keeps_its_data(client, db, smtp, runner, make_appeal, app):
    appeal = make_appeal()
    _sign_and_confirm(client, smtp, appeal, "one@example.org", 1)
    close_appeal(None, appeal)
    appeal.closed_at = utcnow() - dt.timedelta(days=10)
    db.session.commit()
    app.config["DATA_RETENTION_DAYS"] = 30
    result = runner.invoke(args=["privacy", "purge"])
    assert "Erased personal data of 0 signature(s)." in result.output
    assert _rows(db, appeal)[0].email == "one@example.org"
    app.config["DATA_RETENTION_DAYS"] = 5
    result = runner.invoke(args=["privacy", "purge"])
    assert "Erased personal data of 1 signature(s)." in result.output
    assert _rows(db, appeal)[0].email is None
    assert signature_count(appeal.id) == 1


def test_withdrawal_blanks_mail_already_sent_to_the_signer(client, db, smtp, make_appeal):
    appeal = make_appeal()
    paths = _sign_and_confirm(client, smtp, appeal, "gone@example.org", 1)
    _sign_and_confirm(client, smtp, appeal, "stays@example.org", 2, confirm=False)
    client.post(paths["withdraw"])
    db.session.expire_all()
    rows = db.session.execute(sa.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
    # Signers' mail is sealed while it waits and keeps no recipient or body once sent.
    for row in rows:
        assert row.to == "" and row.text == "" and row.sent_at is not None
