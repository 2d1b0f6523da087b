"""Mail written with enqueue_later is stored as template + context and rendered by the worker
(with its links' tokens signed then); one that cannot render fails alone."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from campaign.core.security import read_token
from campaign.mail.models import OutboxMessage
from campaign.mail.services import enqueue_later, token_url
from campaign.mail.worker import drain


def _body(message) -> str:
    part = message.get_body(("plain",))
    return part.get_content()


def test_the_worker_renders_the_mail_and_signs_its_tokens(db, smtp):
    enqueue_later(
        "reader@example.org",
        "test",
        kind="test",
        subject_line="Hello later",
        body=token_url("http://localhost/confirm/", "signature-confirm", 42),
    )
    db.session.commit()
    row = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert (row.subject, row.text, row.template) == ("", "", "test")
    assert json.loads(row.context)["values"]["subject_line"] == "Hello later"

    assert drain() == 1
    [message] = smtp.wait_for(1)
    assert message["Subject"] == "Hello later"
    link = _body(message).strip()
    assert link.startswith("http://localhost/confirm/")
    assert read_token("signature-confirm", link.rsplit("/", 1)[1]) == 42
    db.session.expire_all()
    row = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert row.sent_at is not None and row.subject == "Hello later" and link in row.text


def test_a_mail_that_cannot_render_fails_without_blocking_the_others(db, smtp):
    enqueue_later("broken@example.org", "no_such_template", kind="test", name="x")
    enqueue_later("fine@example.org", "test", kind="test", subject_line="Fine", body="ok")
    db.session.commit()
    assert drain() == 1
    [message] = smtp.wait_for(1)
    assert message["To"] == "fine@example.org"
    db.session.expire_all()
    broken = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.to == "broken@example.org")
    ).scalar_one()
    assert broken.failed_at is not None and broken.last_error.startswith("render:")
    assert drain() == 0  # not retried


def test_a_context_that_is_not_plain_json_is_refused(db):
    with pytest.raises(TypeError):
        enqueue_later("x@example.org", "test", kind="test", subject_line=object())
