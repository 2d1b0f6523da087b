"""A supporter signs, receives the mail over SMTP, opens the link, confirms and is counted."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from campaign.core.database import utcnow
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key
from tests.signatures.helpers import deliver, form, links, sign

API_BODY = {"name": "Aida Bekova", "email": "aida@example.org", "country": "KG"}


def _signatures(db):
    return db.session.execute(sa.select(Signature)).scalars().all()


def test_sign_mail_open_confirm_count(client, db, smtp, make_appeal):
    appeal = make_appeal(signature_goal=100)
    response = sign(client, appeal, ref="telegram")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/appeals/{appeal.slug}/thanks")
    thanks = client.get(response.headers["Location"])
    assert "Check your email" in thanks.get_data(as_text=True)
    assert signature_count(appeal.id) == 0

    [signature] = _signatures(db)
    assert signature.state == "pending" and signature.ref == "telegram"
    assert signature.ip_key and "127.0.0.1" not in signature.ip_key
    assert signature.email_key == email_key(appeal.id, "aida@example.org")
    assert signature.email == "aida@example.org" and signature.mails_sent == 1

    [message] = deliver(smtp, 1)
    assert message["To"] == "aida@example.org"
    assert "confirm" in message["Subject"].lower()
    assert message.get_body(preferencelist=("html",)) is not None
    paths = links(message)
    assert set(paths) == {"confirm", "withdraw"}

    # Opening the link (as a mail scanner would) confirms nothing.
    opened = client.get(paths["confirm"])
    assert opened.status_code == 200
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert "Confirm my signature" in opened.get_data(as_text=True)
    assert signature_count(appeal.id) == 0

    confirmed = client.post(paths["confirm"])
    assert confirmed.status_code == 303
    page = client.get(paths["confirm"]).get_data(as_text=True)
    assert "Your signature is confirmed" in page
    assert signature_count(appeal.id) == 1

    # A second confirmation is harmless.
    assert client.post(paths["confirm"]).status_code == 303
    assert signature_count(appeal.id) == 1
    db.session.expire_all()
    [signature] = _signatures(db)
    assert signature.state == "confirmed" and signature.confirmed_at is not None

    show = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert "Aida Bekova" in show and "Kyrgyzstan" in show
    assert "aida@example.org" not in show


def test_anonymous_signer_is_listed_as_anonymous_without_a_country(client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal, name="Hidden Person", email="h@example.org", display="anonymous")
    sign(client, appeal, name="Aida Bekova", email="a@example.org", country="KG", city="Osh")
    sign(
        client, appeal, name="Lone Signer", email="l@example.org", country="IS", display="anonymous"
    )
    for message in deliver(smtp, 3):
        client.post(links(message)["confirm"])
    show = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert "Hidden Person" not in show and "Lone Signer" not in show
    recent = show[show.index('class="recent-signers"') :]
    recent = recent[: recent.index("</ul>")]
    # The only signer from Iceland signed anonymously: nothing in the list points to them.
    assert recent.count("Anonymous") == 2
    assert "Iceland" not in recent and "Osh" not in recent
    assert "Aida Bekova" in recent and "Kyrgyzstan" in recent  # who chose to be shown
    assert recent.count('class="signer-country"') == 1


def test_field_errors_keep_values_and_store_nothing(client, db, smtp, make_appeal):
    appeal = make_appeal()
    response = sign(
        client, appeal, name="=HYPERLINK(1)", email="not-an-email", country="XX", website="bot"
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "cannot start with" in html
    assert "valid email address" in html
    assert "Choose your country" in html
    assert 'value="not-an-email"' in html
    assert 'value="bot"' not in html
    assert _signatures(db) == []

    response = sign(client, appeal, name="Visit https://spam.example now")
    assert "web address" in response.get_data(as_text=True)
    response = sign(client, appeal, name="Buy at cheap-pills.com")
    assert "web address" in response.get_data(as_text=True)
    assert _signatures(db) == []
    assert drain_count(smtp) == 0


def drain_count(smtp) -> int:
    from campaign.mail.worker import drain

    return drain()


def test_closed_appeal_refuses_and_draft_is_404(client, db, make_appeal):
    closed = make_appeal(state="closed")
    response = sign(client, closed)
    assert response.status_code == 409
    assert "no longer takes signatures" in response.get_data(as_text=True)
    page = client.get(f"/appeals/{closed.slug}").get_data(as_text=True)
    assert "no longer takes signatures" in page
    assert f"/appeals/{closed.slug}/sign" not in page
    draft = make_appeal(state="draft")
    assert sign(client, draft).status_code == 404
    assert _signatures(db) == []


def test_an_appeal_past_its_closing_time_refuses_and_one_before_it_takes_signatures(
    client, db, make_appeal
):
    now = utcnow()
    past = make_appeal(closes_at=now - dt.timedelta(minutes=1))
    future = make_appeal(closes_at=now + dt.timedelta(days=1))
    db.session.commit()
    assert sign(client, past).status_code == 409
    assert client.post(f"/api/v1/appeals/{past.slug}/signatures", json=API_BODY).status_code == 409
    assert _signatures(db) == []
    assert sign(client, future).status_code == 303
    assert [s.appeal_id for s in _signatures(db)] == [future.id]


def test_sign_form_is_on_the_appeal_page(client, make_appeal):
    appeal = make_appeal()
    html = client.get(f"/appeals/{appeal.slug}?ref=whatsapp").get_data(as_text=True)
    assert f'action="/appeals/{appeal.slug}/sign#sign"' in html
    assert 'class="honeypot"' in html
    assert 'value="whatsapp"' in html
    assert '<option value="KG">Kyrgyzstan</option>' in html


def test_unknown_ref_is_stored_as_other(client, db, make_appeal):
    appeal = make_appeal()
    sign(client, appeal, ref="evil<script>")
    assert _signatures(db)[0].ref == "other"


def test_form_data_helper_is_complete():
    assert set(form()) >= {"name", "email", "country", "website"}


def test_smtp_down_then_up_the_confirmation_waits_then_leaves(client, db, smtp, make_appeal):
    from campaign.mail.models import OutboxMessage
    from campaign.mail.worker import drain

    appeal = make_appeal()
    port = smtp.port
    smtp.stop()
    assert sign(client, appeal).status_code == 303  # signing never waits on SMTP
    assert drain() == 0
    row = db.session.execute(sa.select(OutboxMessage)).scalar_one()
    assert row.sent_at is None and row.attempts == 1 and row.failed_at is None
    smtp.start(port)
    row.next_attempt_at = row.created_at  # due now rather than after the backoff
    db.session.commit()
    [message] = deliver(smtp, 1)
    assert message["To"] == "aida@example.org"
    assert "confirm" in links(message)


def test_confirming_after_the_appeal_closed_counts_nothing(client, db, smtp, make_appeal):
    from campaign.appeals.services import close_appeal

    appeal = make_appeal()
    sign(client, appeal)
    [message] = deliver(smtp, 1)
    close_appeal(None, appeal)
    db.session.commit()
    response = client.post(links(message)["confirm"])
    assert "no longer takes signatures" in response.get_data(as_text=True)
    assert signature_count(appeal.id) == 0
    db.session.expire_all()
    assert _signatures(db)[0].state == "pending"


def test_signing_and_viewing_never_count_rows(client, db, smtp, make_appeal):
    """The request path reads counters and indexed rows only: no COUNT(*) over signatures."""
    appeal = make_appeal()
    statements: list[str] = []

    def log(conn, cursor, statement, *args):
        statements.append(statement.lower())

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", log)
    try:
        sign(client, appeal)
        sign(client, appeal, email="AIDA@example.org")
        client.get(f"/appeals/{appeal.slug}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", log)
    on_signatures = [s for s in statements if "from signatures" in s]
    assert on_signatures
    assert not [s for s in on_signatures if "count(" in s]
    lookups = [s for s in on_signatures if s.lstrip().startswith("select")]
    # Each lookup is by the primary key or starts with appeal_id (the unique and state indexes).
    indexed = ("where signatures.appeal_id = ", "where signatures.id = ")
    assert all(any(i in s for i in indexed) for s in lookups), "\n".join(lookups)
