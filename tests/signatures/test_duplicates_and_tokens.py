"""Every duplicate path stores one row, sends the right mail and answers identically; tokens
that are expired, tampered or of another purpose are refused with a clear page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaign.core.security import make_token
from campaign.optin.mail import MAX_CONFIRMATION_MAILS
from campaign.signatures.canonical import canonical_email
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key
from tests.signatures.helpers import deliver, links, page, sign


def _rows(db):
    return db.session.execute(sa.select(Signature)).scalars().all()


def _answer(client, response) -> tuple[int, str, str]:
    location = response.headers.get("Location", "")
    return response.status_code, location, page(client.get(location)).decode()


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("Aida@Example.org", "aida@EXAMPLE.ORG "),
        ("aida.bekova@gmail.com", "AidaBekova+petitions@gmail.com"),
        ("aida.bekova@gmail.com", "a.i.d.a.bekova@googlemail.com"),
        ("aida@example.org", "ａｉｄａ@ｅｘａｍｐｌｅ.ｏｒｇ"),  # fullwidth (NFKC)
        ("aida@gmail.com", "аida@gmail.com"),  # Cyrillic а
        ("aida+news@outlook.com", "aida@outlook.com"),
    ],
)
def test_duplicate_of_pending_signer_resends_confirmation(
    client, db, smtp, make_appeal, first, again
):
    appeal = make_appeal()
    new = _answer(client, sign(client, appeal, email=first))
    duplicate = _answer(client, sign(client, appeal, email=again, name="Someone Else"))
    assert new == duplicate
    [row] = _rows(db)
    # The duplicate key is a keyed hash of the canonical address, never the address.
    assert canonical_email(first) == canonical_email(again)
    assert row.email_key == email_key(appeal.id, first) == email_key(appeal.id, again)
    assert canonical_email(first) not in row.email_key
    assert row.name == "Aida Bekova" and row.mails_sent == 2
    messages = deliver(smtp, 2)
    assert all("confirm" in m["Subject"].lower() for m in messages)


def test_other_providers_keep_dots_and_tags():
    assert canonical_email("a.b+c@example.org") == "a.b+c@example.org"
    assert canonical_email("a.b+c@outlook.com") == "a.b@outlook.com"
    assert canonical_email(" A.B@GMAIL.com ") == "ab@gmail.com"


def test_confirmed_signer_gets_already_signed_mail_and_same_answer(client, db, smtp, make_appeal):
    appeal = make_appeal()
    new = _answer(client, sign(client, appeal))
    [message] = deliver(smtp, 1)
    client.post(links(message)["confirm"])
    duplicate = _answer(client, sign(client, appeal, email="AIDA@example.org"))
    assert new[:2] == duplicate[:2]
    assert new[2] == duplicate[2]
    messages = deliver(smtp, 2)
    assert "already signed" in messages[1]["Subject"].lower()
    assert len(_rows(db)) == 1
    assert signature_count(appeal.id) == 1


def test_mails_per_signature_are_capped(client, db, smtp, make_appeal):
    appeal = make_appeal()
    answers = {_answer(client, sign(client, appeal)) for _ in range(MAX_CONFIRMATION_MAILS + 3)}
    assert len(answers) == 1
    deliver(smtp, MAX_CONFIRMATION_MAILS)
    from campaign.mail.worker import drain

    assert drain() == 0
    assert len(smtp.messages) == MAX_CONFIRMATION_MAILS
    assert _rows(db)[0].mails_sent == MAX_CONFIRMATION_MAILS


def test_same_email_may_sign_another_appeal(client, db, smtp, make_appeal):
    one, two = make_appeal(), make_appeal()
    sign(client, one)
    sign(client, two)
    assert len(_rows(db)) == 2


def _signed(client, db, smtp, appeal) -> dict[str, str]:
    sign(client, appeal)
    [message] = deliver(smtp, 1)
    return links(message)


def test_tampered_token_gets_a_clear_page_with_resend_form(client, db, smtp, make_appeal):
    appeal = make_appeal()
    paths = _signed(client, db, smtp, appeal)
    tampered = paths["confirm"][:-3] + ("AAA" if not paths["confirm"].endswith("AAA") else "BBB")
    for method in (client.get, client.post):
        response = method(tampered)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "not valid" in html and "Send me a new link" in html
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert signature_count(appeal.id) == 0


def test_token_of_another_purpose_is_refused(client, db, smtp, make_appeal):
    appeal = make_appeal()
    _signed(client, db, smtp, appeal)
    [row] = _rows(db)
    for purpose in ("signature-withdraw", "endorsement-confirm"):
        response = client.post(f"/confirm/{make_token(purpose, row.id)}")
        assert response.status_code == 400
    assert client.post(f"/withdraw/{make_token('signature-confirm', row.id)}").status_code == 400
    db.session.expire_all()
    assert _rows(db)[0].state == "pending"


def test_expired_token_offers_a_new_mail(app, client, db, smtp, make_appeal):
    appeal = make_appeal()
    paths = _signed(client, db, smtp, appeal)
    app.config["CONFIRM_TOKEN_MAX_AGE"] = -1
    response = client.post(paths["confirm"])
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "expired" in html
    assert f'<option selected value="{appeal.slug}">' in html
    assert _rows(db)[0].state == "pending"

    # Asking again: the same answer whether or not the address signed.
    known = client.post(
        "/confirm/resend", data={"appeal": appeal.slug, "email": "AIDA@example.org"}
    )
    unknown = client.post(
        "/confirm/resend", data={"appeal": appeal.slug, "email": "no@example.org"}
    )
    assert known.status_code == unknown.status_code == 200
    assert page(known) == page(unknown)
    messages = deliver(smtp, 2)
    assert messages[1]["To"] == "aida@example.org"
    from campaign.mail.worker import drain

    assert drain() == 0


def test_withdrawal_erases_personal_data_and_decrements(client, db, smtp, make_appeal):
    appeal = make_appeal()
    paths = _signed(client, db, smtp, appeal)
    client.post(paths["confirm"])
    assert signature_count(appeal.id) == 1
    page = client.get(paths["withdraw"])
    assert page.status_code == 200 and "Withdraw my signature" in page.get_data(as_text=True)
    assert signature_count(appeal.id) == 1  # GET changes nothing
    assert client.post(paths["withdraw"]).status_code == 303
    assert client.post(paths["withdraw"]).status_code == 303  # twice is harmless
    assert signature_count(appeal.id) == 0
    db.session.expire_all()
    [row] = _rows(db)
    assert row.state == "withdrawn" and row.withdrawn_at is not None
    assert row.name is None and row.email is None and row.email_key is None
    assert row.city is None and row.ip_key is None and row.personal_data_erased_at is not None
    assert row.country == "KG"
    assert "is withdrawn" in client.get(paths["withdraw"]).get_data(as_text=True)
    # The confirmation link no longer works, and the person may sign again.
    assert client.post(paths["confirm"]).status_code == 410
    sign(client, appeal)
    assert len(_rows(db)) == 2
    assert "Aida Bekova" not in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)


def test_withdrawing_a_pending_signature_does_not_touch_the_count(client, db, smtp, make_appeal):
    appeal = make_appeal()
    other = _signed(client, db, smtp, appeal)
    client.post(other["confirm"])
    sign(client, appeal, email="second@example.org")
    second = links(deliver(smtp, 2)[1])
    client.post(second["withdraw"])
    assert signature_count(appeal.id) == 1


def test_resend_with_a_bad_address_answers_the_same(client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal)
    bad = client.post("/confirm/resend", data={"appeal": appeal.slug, "email": "nonsense"})
    good = client.post("/confirm/resend", data={"appeal": appeal.slug, "email": "x@example.org"})
    assert bad.status_code == good.status_code == 200
    assert page(bad) == page(good)
    assert (
        client.post(
            "/confirm/resend", data={"appeal": "nope", "email": "x@example.org"}
        ).status_code
        == 404
    )
    assert len(deliver(smtp, 1)) == 1
