"""Internationalized addresses (campaign.mail.message): accepted at signing and endorsing; a
domain with non-ASCII letters goes out in its IDNA form, a non-ASCII local part with SMTPUTF8
where the server offers it, and where it does not that one message fails, visibly, alone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.mail.models import OutboxMessage
from campaign.mail.worker import drain
from campaign.signatures.counting import signature_count
from tests.endorsements.helpers import endorse, link
from tests.signatures.helpers import by_email, deliver, links, sign

JORAN = "jöran@example.org"


def _sign_by_api(client, appeal, email):
    response = client.post(
        f"/api/v1/appeals/{appeal.slug}/signatures",
        json={"name": "Jöran Berg", "email": email, "country": "SE"},
    )
    assert response.status_code == 202, response.json


def _sign_by_form(client, appeal, email):
    assert sign(client, appeal, email=email, name="Jöran Berg", country="SE").status_code == 303


SIGN = {"form": _sign_by_form, "api": _sign_by_api}


@pytest.mark.parametrize("signing", SIGN.values(), ids=SIGN.keys())
def test_a_non_ascii_local_part_is_mailed_with_smtputf8(client, db, smtp, make_appeal, signing):
    # aiosmtpd's server, like the `smtp` sink, offers SMTPUTF8 unless told otherwise.
    appeal = make_appeal()
    signing(client, appeal, JORAN)
    [message] = deliver(smtp, 1)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == [JORAN] and "SMTPUTF8" in envelope.mail_options
    assert message["To"] == JORAN
    client.post(links(message)["confirm"])
    assert signature_count(appeal.id) == 1


def test_without_smtputf8_that_message_fails_and_the_others_go(
    client, db, ascii_only_smtp, make_appeal, app
):
    app.config["MAIL_PORT"] = ascii_only_smtp.port
    appeal = make_appeal()
    _sign_by_form(client, appeal, JORAN)
    _sign_by_form(client, appeal, "aida@example.org")
    assert drain() == 1
    [message] = ascii_only_smtp.wait_for(1)
    assert message["To"] == "aida@example.org"
    db.session.expire_all()
    failed = db.session.execute(
        sa.select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
    ).scalar_one()
    assert failed.failed_at is not None and failed.attempts == 1
    assert failed.last_error.startswith("NeedsSMTPUTF8: the address has non-ASCII characters")
    assert drain() == 0  # failed for good, and never in the way again
    assert JORAN not in failed.last_error and JORAN not in failed.to  # sealed
    assert by_email(db, JORAN).state == "pending"


def test_a_non_ascii_domain_goes_in_its_idna_form_to_any_server(
    client, db, ascii_only_smtp, make_appeal, app
):
    app.config["MAIL_PORT"] = ascii_only_smtp.port
    appeal = make_appeal()
    _sign_by_form(client, appeal, "joran@exämple.org")
    assert drain() == 1
    [message] = ascii_only_smtp.wait_for(1)
    [envelope] = ascii_only_smtp.envelopes
    assert envelope.rcpt_tos == ["joran@xn--exmple-cua.org"]
    assert "SMTPUTF8" not in envelope.mail_options
    assert message["To"] == "joran@xn--exmple-cua.org"


def test_an_endorsement_contact_address_is_treated_the_same(client, db, smtp, demo_appeal):
    response = endorse(client, demo_appeal.slug, contact_email="åsa@exämple.kg")
    assert response.status_code == 302
    drain()
    [message] = smtp.wait_for(1)
    [envelope] = smtp.envelopes
    assert envelope.rcpt_tos == ["åsa@xn--exmple-cua.kg"] and "SMTPUTF8" in envelope.mail_options
    assert client.post(link(message, "confirm")).status_code == 200
