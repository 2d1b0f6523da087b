"""Update and status-change mailshots: who gets them, once each, unsubscribing, and resuming
after a crash half way."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaign.appeals.demo import SCNS
from campaign.authorities.queries import get_authority_by_slug
from campaign.core.database import utcnow
from campaign.core.validation import InvalidInput
from campaign.endorsements.models import Endorsement
from campaign.endorsements.organizations import get_or_create_organization
from campaign.mail.models import Mailing, OutboxMessage
from campaign.mail.worker import drain
from campaign.responses import mailshots
from campaign.responses.queries import find_target
from campaign.responses.services import change_demand_status, post_update, retract_status_change
from campaign.signatures.models import Signature
from campaign.signatures.services import email_key
from tests.factories import markdown


def _signature(appeal, email, *, state="confirmed", wants_updates=True, flagged=None, lang="en"):
    signature = Signature(
        appeal_id=appeal.id, name=email.split("@")[0], email=email,
        email_key=email_key(appeal.id, email),
        country="KG", wants_updates=wants_updates, language=lang, state=state,
        confirmed_at=utcnow() if state == "confirmed" else None, flagged=flagged,
    )  # fmt: skip
    return signature


def _endorsement(appeal, name, email, *, state="approved", wants_updates=True):
    organization = get_or_create_organization(name, kind="ngo")
    return Endorsement(
        appeal_id=appeal.id, organization=organization, signatory_name="Director",
        contact_email=email, state=state, wants_updates=wants_updates, language="en",
    )  # fmt: skip


@pytest.fixture
def audience(db, demo_appeal):
    """Subscribers and non-subscribers of the demo appeal; returns who should get mail."""
    db.session.add_all(
        [
            _signature(demo_appeal, "yes1@example.org"),
            _signature(demo_appeal, "yes-ru@example.org", lang="ru"),
            _signature(demo_appeal, "no-updates@example.org", wants_updates=False),
            _signature(demo_appeal, "pending@example.org", state="pending"),
            _signature(demo_appeal, "withdrawn@example.org", state="withdrawn"),
            _signature(demo_appeal, "flagged@example.org", flagged="rate limit"),
            _signature(demo_appeal, "yes2@example.org"),
            _endorsement(demo_appeal, "Press Club", "press@example.org"),
            _endorsement(demo_appeal, "Union", "union@example.org", state="submitted"),
            _endorsement(demo_appeal, "Rejected NGO", "rejected@example.org", state="rejected"),
            _endorsement(demo_appeal, "Quiet NGO", "quiet@example.org", wants_updates=False),
            # Also a signer, and a second organization with the same contact: one email each.
            _endorsement(demo_appeal, "Yes Foundation", "YES2@example.org"),
            _endorsement(demo_appeal, "Press Club Two", "press@example.org"),
        ]
    )
    db.session.commit()
    return {"yes1@example.org", "yes-ru@example.org", "yes2@example.org", "press@example.org"}


def _recipients(smtp) -> list[str]:
    return sorted(m["To"] for m in smtp.messages)


def _unsubscribe_url(message) -> str:
    return message["List-Unsubscribe"].strip("<>")


def test_an_update_reaches_subscribers_once_each_with_unsubscribe(
    db, client, smtp, demo_appeal, audience, make_user
):
    editor = make_user("editor")
    update = post_update(
        editor, demo_appeal, "Letter delivered", markdown("We **delivered** the appeal.")
    )
    mailing = mailshots.start_update_mailing(editor, update)
    db.session.commit()
    assert mailshots.run_mailing(mailing.id, size=2) is True
    assert mailshots.run_pending() == 0  # nothing left: rerunning sends nothing more
    assert drain() == len(audience)
    smtp.wait_for(len(audience))
    assert _recipients(smtp) == sorted(audience)
    [message] = smtp.to("yes1@example.org")
    assert "Letter delivered" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "We **delivered** the appeal." in text
    assert "0 of 4 demands met" in text
    html = message.get_body(("html",)).get_content()
    assert "<strong>delivered</strong>" in html
    [russian] = smtp.to("yes-ru@example.org")
    assert 'lang="ru"' in russian.get_body(("html",)).get_content()

    url = _unsubscribe_url(message)
    assert url in text
    path = url.removeprefix("http://localhost")
    page = client.get(path)
    assert page.status_code == 200 and "Stop updates" in page.get_data(as_text=True)
    signature = db.session.scalar(
        sa.select(Signature).filter_by(email_key=email_key(demo_appeal.id, "yes1@example.org"))
    )
    db.session.refresh(signature)
    assert signature.wants_updates is True  # a GET (mail scanner) changes nothing
    assert client.post(path).status_code == 200
    db.session.refresh(signature)
    assert signature.wants_updates is False
    assert client.post(path).status_code == 200  # harmless twice
    [endorser] = smtp.to("press@example.org")
    assert (
        client.post(_unsubscribe_url(endorser).removeprefix("http://localhost")).status_code == 200
    )
    assert client.get("/unsubscribe/not-a-token").status_code == 400

    smtp.clear()
    second = mailshots.start_update_mailing(
        editor, post_update(editor, demo_appeal, "Two", markdown("x"))
    )
    db.session.commit()
    mailshots.run_mailing(second.id)
    drain()
    smtp.wait_for(3)
    # press@ unsubscribed for the Press Club; the second organization's contact stays subscribed.
    assert _recipients(smtp) == ["press@example.org", "yes-ru@example.org", "yes2@example.org"]


def test_status_changes_go_out_as_one_batch(db, smtp, demo_appeal, audience, make_user):
    editor = make_user("editor")
    scns = get_authority_by_slug(SCNS)
    for demand, status in zip(
        demo_appeal.demands[:3], ("rejected", "acknowledged", "rejected"), strict=True
    ):
        change_demand_status(editor, find_target(demand, scns), status, note=f"Note {status}")
    wrong = change_demand_status(
        editor, find_target(demo_appeal.demands[0], scns), "met", note="mistake"
    )
    retract_status_change(editor, wrong, "typo")
    db.session.commit()
    mailing = mailshots.start_status_mailing(editor, demo_appeal)
    db.session.commit()
    mailshots.run_mailing(mailing.id)
    with pytest.raises(InvalidInput, match="no new status changes"):
        mailshots.start_status_mailing(editor, demo_appeal)
    assert drain() == len(audience)
    [message] = smtp.wait_for(len(audience))[:1]
    text = message.get_body(("plain",)).get_content()
    assert text.count("Demand ") == 3
    assert (
        "Demand 1, State Committee for National Security of the Kyrgyz Republic: Rejected" in text
    )
    assert (
        "Demand 2, State Committee for National Security of the Kyrgyz Republic: Acknowledged"
        in text
    )
    assert "mistake" not in text  # the retracted change is not announced
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_mailshot_resumes_after_a_crash_without_sending_twice(
    db, smtp, demo_appeal, audience, make_user, monkeypatch
):
    editor = make_user("editor")
    update = post_update(editor, demo_appeal, "Crash test", markdown("Body"))
    mailing = mailshots.start_update_mailing(editor, update)
    db.session.commit()
    mailing_id = mailing.id

    real_expand = mailshots.expand_page
    calls = {"n": 0}

    def crashing_expand(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return real_expand(*args, **kwargs)

    monkeypatch.setattr(mailshots, "expand_page", crashing_expand)
    with pytest.raises(RuntimeError):
        mailshots.run_mailing(mailing_id, size=2)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2  # one page
    assert db.session.get(Mailing, mailing_id).last_signature_id > 0
    monkeypatch.setattr(mailshots, "expand_page", real_expand)

    assert mailshots.run_pending(size=2) == 1
    assert db.session.get(Mailing, mailing_id).finished_at is not None
    keys = db.session.scalars(sa.select(OutboxMessage.dedupe_key)).all()
    assert len(keys) == len(set(keys)) == len(audience)
    assert drain() == len(audience)
    smtp.wait_for(len(audience))
    assert _recipients(smtp) == sorted(audience)
    assert all(re.fullmatch(rf"mailing:{mailing_id}:(sig|end):\d+", k) for k in keys)


def test_the_outbox_worker_finishes_mailshots_too(
    db, runner, smtp, demo_appeal, audience, make_user
):
    editor = make_user("editor")
    update = post_update(editor, demo_appeal, "Hearing set", markdown("The court set a date."))
    mailshots.start_update_mailing(editor, update)  # not expanded by any request
    db.session.commit()
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "Finished 1 mailshot(s)" in result.output
    smtp.wait_for(len(audience))
    assert _recipients(smtp) == sorted(audience)
