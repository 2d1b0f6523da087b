from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue
from campaign.mail.worker import drain


def _enqueue_test_mail(db, to="someone@example.org"):
    enqueue(to, "test", subject_line="Hello", body="Body text")
    db.session.commit()


def test_outbox_message_is_sent_over_smtp_after_commit(db, smtp):
    _enqueue_test_mail(db)
    assert drain() == 1
    [message] = smtp.wait_for(1)
    assert message["To"] == "someone@example.org"
    assert message["Subject"] == "Hello"
    assert db.session.query(OutboxMessage).one().sent_at is not None


def test_smtp_down_keeps_mail_waiting_until_it_is_back(db, smtp):
    port = smtp.port
    smtp.stop()
    _enqueue_test_mail(db)
    assert drain() == 0
    row = db.session.query(OutboxMessage).one()
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    smtp.start(port)
    row.next_attempt_at = row.created_at  # due again now, instead of after the backoff
    db.session.commit()
    assert drain() == 1
    assert len(smtp.wait_for(1)) == 1
