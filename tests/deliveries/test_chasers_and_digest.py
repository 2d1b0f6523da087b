"""After the due date: a chaser drafted on its own and sent only once approved; the daily
digest to campaigners, once a day."""

from __future__ import annotations

import datetime as dt

import pytest

from campaign.audit.models import AuditEntry
from campaign.core.extensions import db
from campaign.deliveries.models import Chaser, Delivery
from campaign.deliveries.services import deliver_by_email
from campaign.mail.worker import drain
from campaign.responses.services import change_demand_status


@pytest.fixture
def delivered(app, make_appeal, make_authority, smtp, time_machine):
    """An appeal delivered by email on Monday 2 March 2026 to a Kyrgyz ministry with a term of
    3 working days: due Thursday 5 March."""
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC), tick=False)
    authority = make_authority(
        "Ministry of Interior", contact_email="office@mvd.example.kg", country="KG"
    )
    authority.response_term_days = 3
    appeal = make_appeal("Stop the summonses", authority=authority)
    delivery = deliver_by_email(None, appeal, authority)
    db.session.commit()
    drain()
    smtp.wait_for(1)
    smtp.clear()
    assert {d.targets[0].due_on for d in appeal.demands} == {dt.date(2026, 3, 5)}
    return appeal, delivery


def test_a_chaser_is_drafted_after_the_due_date_and_sent_only_once_approved(
    client, runner, login, delivered, smtp, time_machine
):
    appeal, delivery = delivered
    time_machine.move_to(dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.UTC), tick=False)
    assert "Drafted 0 chaser(s)" in runner.invoke(args=["deliveries", "chase"]).output

    time_machine.move_to(dt.datetime(2026, 3, 6, 7, 0, tzinfo=dt.UTC), tick=False)
    assert "Drafted 1 chaser(s)" in runner.invoke(args=["deliveries", "chase"]).output
    assert "Drafted 0 chaser(s)" in runner.invoke(args=["deliveries", "chase"]).output
    drain()
    assert smtp.messages == []  # drafted, not sent

    chaser = db.session.execute(db.select(Chaser)).scalar_one()
    assert chaser.approved_at is None and chaser.due_on == dt.date(2026, 3, 5)
    # The second demand got an answer meanwhile: the chaser names only the first.
    change_demand_status(None, appeal.demands[1].targets[0], "in_progress", note="Reviewing")
    db.session.commit()
    login("editor")
    page = client.get(f"/admin/appeals/{appeal.slug}/deliveries").get_data(as_text=True)
    assert "Approve and send" in page
    response = client.post(f"/admin/appeals/{appeal.slug}/chasers/{chaser.id}/approve")
    assert response.status_code == 302
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "office@mvd.example.kg"
    assert mail["In-Reply-To"] == delivery.message_id
    text = mail.get_body(("plain",)).get_content()
    assert "2026-03-05" in text and "2026-03-02" in text
    assert "Demand 1" in text and "Demand 2" not in text
    assert db.session.execute(db.select(AuditEntry).filter_by(action="chaser.approve")).scalar()
    # Approving twice sends nothing more.
    client.post(f"/admin/appeals/{appeal.slug}/chasers/{chaser.id}/approve")
    drain()
    assert len(smtp.messages) == 1


def test_no_chaser_once_the_authority_answered(runner, delivered, time_machine):
    appeal, _delivery = delivered
    for demand in appeal.demands:
        change_demand_status(None, demand.targets[0], "acknowledged", note="Registered")
    db.session.commit()
    time_machine.move_to(dt.datetime(2026, 3, 9, 7, 0, tzinfo=dt.UTC), tick=False)
    assert "Drafted 0 chaser(s)" in runner.invoke(args=["deliveries", "chase"]).output


def test_the_digest_lists_what_is_due_overdue_and_bounced_once_a_day(
    runner, make_user, make_appeal, make_authority, delivered, smtp, time_machine
):
    _appeal, delivery = delivered
    editor = make_user("editor")
    make_user("moderator")  # moderators get no digest
    # Tuesday 3 March: due Thursday 5 March, within three working days.
    time_machine.move_to(dt.datetime(2026, 3, 3, 6, 0, tzinfo=dt.UTC), tick=False)
    result = runner.invoke(args=["deliveries", "digest"])
    assert result.exit_code == 0 and "Queued 1 digest mail(s)" in result.output
    drain()
    [mail] = smtp.wait_for(1)
    assert mail["To"] == editor.email
    text = mail.get_body(("plain",)).get_content()
    assert "Due within three working days" in text
    assert "Demand 1, Ministry of Interior: due 2026-03-05" in text
    assert "Newly overdue" not in text and "bounced" not in text
    assert "Queued 0 digest mail(s)" in runner.invoke(args=["deliveries", "digest"]).output

    # Friday 6 March: overdue since today; and the delivery bounced.
    delivery = db.session.get(Delivery, delivery.id)
    delivery.status, delivery.bounce_reason = "bounced", "550 5.1.1 mailbox unknown"
    delivery.bounced_at = dt.datetime(2026, 3, 5, 18, 0, tzinfo=dt.UTC)
    db.session.commit()
    smtp.clear()
    time_machine.move_to(dt.datetime(2026, 3, 6, 6, 0, tzinfo=dt.UTC), tick=False)
    runner.invoke(args=["deliveries", "digest"])
    drain()
    text = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "Newly overdue" in text and "was due 2026-03-05" in text
    assert "Deliveries that bounced" in text and "mailbox unknown" in text
    assert "Due within three working days" not in text

    # Monday 9 March: nothing new, no mail.
    smtp.clear()
    time_machine.move_to(dt.datetime(2026, 3, 9, 6, 0, tzinfo=dt.UTC), tick=False)
    assert "Queued 0 digest mail(s)" in runner.invoke(args=["deliveries", "digest"]).output


def test_the_digest_lists_replies_waiting_by_authority_never_by_address(
    runner, make_user, delivered, smtp, time_machine
):
    from campaign.deliveries.addresses import reply_address
    from campaign.inbox.services import receive_message

    appeal, delivery = delivered
    make_user("editor")
    raw = (
        f"From: Aibek Officer <a.officer@mvd.example.kg>\r\nTo: "
        f"{reply_address(appeal.id, delivery.authority_id)}\r\nSubject: Your appeal No. 7\r\n"
        "\r\nWe have registered your appeal.\r\n"
    ).encode()
    receive_message(raw)
    db.session.commit()
    time_machine.move_to(dt.datetime(2026, 3, 3, 6, 0, tzinfo=dt.UTC), tick=False)
    runner.invoke(args=["deliveries", "digest"])
    drain()
    text = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "Replies waiting:" in text
    assert "- Your appeal No. 7 (Ministry of Interior)" in text
    assert "a.officer@" not in text


def test_the_digest_command_refuses_a_bad_day(runner, app):
    result = runner.invoke(args=["deliveries", "digest", "--day", "tomorrow"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.output
