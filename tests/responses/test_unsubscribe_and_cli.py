"""One-click unsubscribe works with CSRF protection on (mail clients POST without a form
token), and `flask mailshots send` finishes what a request left."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.core.database import utcnow
from campaign.core.security import make_token
from campaign.mail.models import Mailing, OutboxMessage
from campaign.responses import mailshots
from campaign.responses.services import post_update
from campaign.signatures.models import Signature
from tests.factories import markdown


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _subscriber(db, appeal, email="reader@example.org"):
    signature = Signature(
        appeal_id=appeal.id, name="Reader", email=email, email_key=email, country="KG",
        wants_updates=True, state="confirmed", confirmed_at=utcnow(),
    )  # fmt: skip
    db.session.add(signature)
    db.session.commit()
    return signature


def test_one_click_unsubscribe_needs_no_form_token(db, client, demo_appeal):
    signature = _subscriber(db, demo_appeal)
    token = make_token("unsubscribe", {"a": demo_appeal.id, "t": "s", "i": signature.id})
    response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    db.session.refresh(signature)
    assert signature.wants_updates is False
    other = make_token("unsubscribe", {"a": demo_appeal.id + 1, "t": "s", "i": signature.id})
    assert client.post(f"/unsubscribe/{other}").status_code == 400
    wrong_purpose = make_token("signature-withdraw", {"a": demo_appeal.id, "t": "s", "i": 1})
    assert client.post(f"/unsubscribe/{wrong_purpose}").status_code == 400


def test_flask_mailshots_send_finishes_pending_mailings(db, runner, demo_appeal, make_user):
    for n in range(3):
        _subscriber(db, demo_appeal, f"reader{n}@example.org")
    editor = make_user("editor")
    mailing = mailshots.start_update_mailing(
        editor, post_update(editor, demo_appeal, "T", markdown("B"))
    )
    db.session.commit()
    mailing_id = mailing.id
    assert mailshots.run_mailing(mailing_id, size=2, max_pages=1) is False  # a request's share
    result = runner.invoke(args=["mailshots", "send"])
    assert result.exit_code == 0 and "Finished 1 mailshot(s)." in result.output
    assert db.session.get(Mailing, mailing_id).finished_at is not None
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 3
    again = runner.invoke(args=["mailshots", "send"])
    assert "Finished 0 mailshot(s)." in again.output
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 3
