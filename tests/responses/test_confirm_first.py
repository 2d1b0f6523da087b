"""Mailshots ask first, with the numbers: the notify and update previews count exactly the
people the mailshot will email, show the mail in each language, send nothing until confirmed
and never twice; a mailshot's page shows its progress from the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.appeals.demo import DEMO_SLUG
from campaign.appeals.models import Update
from campaign.audit.models import AuditEntry
from campaign.mail.models import Mailing, OutboxMessage
from campaign.mail.worker import drain
from campaign.responses.models import StatusChange

BASE = f"/admin/appeals/{DEMO_SLUG}"


def _outbox(db) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def _change_a_status(client, demo_appeal):
    target = demo_appeal.demands[1].targets[0]
    data = {"target": str(target.id), "status": "acknowledged", "note": "Letter received."}
    response = client.post(f"{BASE}/responses/status", data=data)
    assert response.status_code == 302


def test_notify_previews_the_count_and_the_mail_and_sends_nothing(
    db,
    client,
    login,
    demo_appeal,
    audience,
):
    login("editor")
    _change_a_status(client, demo_appeal)
    before = _outbox(db)
    page = client.get(f"{BASE}/responses/notify")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    # Signers and endorsers who asked, each address once; unconfirmed, unsubscribed,
    # flagged, rejected and withdrawn left out: the audience fixture's four.
    assert f'data-total="{len(audience)}"' in body
    assert "This will email 4 people." in body
    assert '<li data-language="en">English: 3</li>' in body
    assert '<li data-language="ru">' in body and ": 1</li>" in body
    assert "What the authorities did about" in body  # the subject, in English
    assert not any(address in body for address in audience)  # nobody's address
    russian = client.get(f"{BASE}/responses/notify?lang=ru").get_data(as_text=True)
    assert 'lang="ru"' in russian and "What the authorities did" not in russian
    assert "Что органы власти сделали по «" in russian
    assert "This will email 4 people." in russian  # the page stays in English
    assert client.get(f"{BASE}/responses/notify?lang=xx").status_code == 200
    assert _outbox(db) == before
    assert db.session.scalar(sa.select(sa.func.count(Mailing.id))) == 0
    assert db.session.scalars(sa.select(StatusChange)).one().mailed_at is None


def test_notify_confirmed_twice_mails_once(db, client, login, demo_appeal, audience, smtp):
    login("editor")
    _change_a_status(client, demo_appeal)
    first = client.post(f"{BASE}/responses/notify")
    assert first.status_code == 302 and "/mailshots/" in first.headers["Location"]
    second = client.post(f"{BASE}/responses/notify")
    assert second.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Mailing.id))) == 1
    assert _outbox(db) == len(audience)
    assert drain() == len(audience)
    smtp.wait_for(len(audience))
    assert sorted(m["To"] for m in smtp.messages) == sorted(audience)
    after = client.get(f"{BASE}/responses/notify").get_data(as_text=True)
    assert "There are no new status changes" in after and "Confirm" not in after


def test_nothing_to_notify_says_so_without_a_button(db, client, login, demo_appeal):
    login("editor")
    body = client.get(f"{BASE}/responses/notify").get_data(as_text=True)
    assert "There are no new status changes to tell subscribers about." in body
    assert 'method="post"' not in body.split("<main", 1)[-1].split("</main>")[0] or (
        "Confirm" not in body
    )


def test_an_update_is_previewed_per_language_then_published_once(
    db,
    client,
    login,
    demo_appeal,
    audience,
    smtp,
):
    login("editor")
    posted = client.post(f"{BASE}/updates", data={"title": "Delivered", "body": "We **did** it."})
    assert posted.status_code == 302
    update = db.session.scalars(sa.select(Update)).one()
    assert update.published_at is None
    preview_url = f"{BASE}/updates/{update.id}/preview"
    assert posted.headers["Location"].endswith(preview_url)
    body = client.get(preview_url).get_data(as_text=True)
    assert "This will email 4 people." in body
    assert "Update on “Stop the pressure on Kloop" in body and "We **did** it." in body
    ru = client.get(preview_url + "?lang=ru").get_data(as_text=True)
    assert 'lang="ru"' in ru and "Update on" not in ru
    ky = client.get(preview_url + "?lang=ky").get_data(as_text=True)
    assert 'lang="ky"' in ky
    # Not public, nobody mailed, until confirmed.
    assert client.get(f"/appeals/{DEMO_SLUG}/updates/{update.id}").status_code == 404
    assert _outbox(db) == 0

    publish = f"{BASE}/updates/{update.id}/publish"
    assert client.post(publish).status_code == 302
    assert client.post(publish).status_code == 302  # a double click
    assert db.session.scalar(sa.select(sa.func.count(Mailing.id))) == 1
    assert _outbox(db) == len(audience)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"update.draft", "update.post", "mailing.start"} <= actions
    assert "Published on" in client.get(preview_url).get_data(as_text=True)


def test_the_progress_bar_counts_the_outbox(db, client, login, demo_appeal, audience, smtp):
    login("editor")
    _change_a_status(client, demo_appeal)
    started = client.post(f"{BASE}/responses/notify")
    mailing_url = started.headers["Location"]
    page = client.get(mailing_url).get_data(as_text=True)
    assert 'data-queued="4" data-sent="0" data-failed="0"' in page
    assert '<progress id="mailing-progress" max="4" value="0">' in page
    assert 'http-equiv="refresh"' in page
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    rows[0].failed_at = rows[0].created_at
    db.session.commit()
    assert drain() == 3
    page = client.get(mailing_url).get_data(as_text=True)
    assert 'data-queued="0" data-sent="3" data-failed="1"' in page
    assert '<progress id="mailing-progress" max="4" value="4">' in page
    assert "Sent: 3" in page and "Failed: 1" in page and "Queued: 0" in page
    assert 'http-equiv="refresh"' not in page
    other = db.session.scalars(sa.select(Mailing)).one().id + 1
    assert client.get(f"{BASE}/mailshots/{other}").status_code == 404
