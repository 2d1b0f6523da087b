"""Delivering an appeal by email: the mail as the authority's server receives it (a real SMTP
sink), with the headers that bring its replies and bounces back, and the delivery's state."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from campaign.appeals.services import DemandInput, TargetInput, publish_appeal, update_appeal
from campaign.appeals.translations import save_translation
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput
from campaign.deliveries.addresses import BounceAddress, ReplyAddress, parse_address
from campaign.deliveries.models import Delivery
from campaign.deliveries.services import DeliveryExists, deliver_by_email
from campaign.mail.worker import drain
from tests.factories import markdown


@pytest.fixture
def authority(make_authority):
    return make_authority(
        "Ministry of Interior", contact_email="office@mvd.example.kg", country="KG", language="ru"
    )


def test_the_delivery_mail_carries_its_reply_and_bounce_addresses(
    app, make_appeal, authority, smtp
):
    appeal = make_appeal("Stop the summonses", authority=authority)
    delivery = deliver_by_email(None, appeal, authority)
    db.session.commit()
    assert delivery.status == "queued"
    assert drain() == 1

    [mail] = smtp.wait_for(1)
    [envelope] = smtp.envelopes
    assert mail["To"] == "office@mvd.example.kg"
    assert parse_address(mail["Reply-To"]) == ReplyAddress(appeal.id, authority.id)
    assert parse_address(envelope.mail_from) == BounceAddress(delivery.id)
    assert mail["Message-ID"] == delivery.message_id
    assert delivery.message_id.startswith("<") and delivery.message_id.endswith(">")
    text = mail.get_body(("plain",)).get_content()
    assert "Stop the summonses" in text and "Demand 1" in text and "Demand 2" in text
    assert f"/appeals/{appeal.slug}" in text
    assert mail.get_body(("html",)) is not None

    db.session.expire_all()
    delivery = db.session.get(Delivery, delivery.id)
    assert delivery.status == "sent"
    assert delivery.sent_at is not None
    assert delivery.delivered_on == delivery.sent_at.date()
    for demand in appeal.demands:
        assert demand.targets[0].due_on is not None
        assert demand.targets[0].due_on > delivery.delivered_on


def test_the_mail_is_in_the_authoritys_language_where_a_translation_exists(
    app, make_appeal, authority, smtp
):
    appeal = make_appeal("Stop the summonses", authority=authority)
    save_translation(
        None,
        appeal,
        "ru",
        title="Прекратите вызовы",
        summary="Кратко.",
        body=markdown("Текст обращения."),
        demands={appeal.demands[0].id: "Первое требование", appeal.demands[1].id: "Второе"},
    )
    deliver_by_email(None, appeal, authority)
    db.session.commit()
    drain()
    [mail] = smtp.wait_for(1)
    text = mail.get_body(("plain",)).get_content()
    assert "Прекратите вызовы" in mail["Subject"]
    assert "Первое требование" in text and "Текст обращения." in text
    assert "Требования, адресованные вам:" in text  # the letter itself in Russian
    assert "Demand 1" not in text


def test_only_the_demands_addressed_to_that_authority_go(
    app, make_appeal, make_authority, authority, smtp
):
    other = make_authority("Prosecutor")
    appeal = make_appeal(authority=authority, state="draft")
    update_appeal(
        None,
        appeal,
        demands=[
            DemandInput("Ours", [TargetInput(authority)]),
            DemandInput("Theirs", [TargetInput(other)]),
        ],
    )
    publish_appeal(None, appeal)
    deliver_by_email(None, appeal, authority)
    db.session.commit()
    drain()
    text = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "Ours" in text and "Theirs" not in text


def test_delivering_twice_is_refused_unless_the_first_failed(app, make_appeal, authority, smtp):
    appeal = make_appeal(authority=authority)
    first = deliver_by_email(None, appeal, authority)
    db.session.commit()
    with pytest.raises(DeliveryExists):
        deliver_by_email(None, appeal, authority)
    db.session.rollback()

    first.status = "bounced"
    db.session.commit()
    old_message_id = first.message_id
    again = deliver_by_email(None, appeal, authority)
    db.session.commit()
    assert again.id == first.id and again.status == "queued"
    assert again.message_id != old_message_id


def test_a_permanent_send_failure_fails_the_delivery(app, make_appeal, make_authority, smtp):
    authority = make_authority("Bad", contact_email="not an address@@example.org")
    appeal = make_appeal(authority=authority)
    delivery = deliver_by_email(None, appeal, authority)
    db.session.commit()
    drain()
    db.session.expire_all()
    assert db.session.get(Delivery, delivery.id).status == "failed"
    assert smtp.messages == []


def test_without_a_contact_email_or_a_reply_domain_it_is_refused(app, make_appeal, make_authority):
    nobody = make_authority("Nobody")
    appeal = make_appeal(authority=nobody)
    with pytest.raises(InvalidInput, match="contact email"):
        deliver_by_email(None, appeal, nobody)
    nobody.contact_email = "a@example.org"
    app.config["REPLY_TO_DOMAIN"] = ""
    with pytest.raises(InvalidInput, match="REPLY_TO_DOMAIN"):
        deliver_by_email(None, appeal, nobody)


@time_machine.travel(dt.datetime(2026, 3, 18, 9, 0, tzinfo=dt.UTC), tick=False)
def test_an_email_delivery_counts_the_term_from_the_day_it_was_sent(
    app, make_appeal, make_authority, smtp
):
    # Sent on Wednesday 18 March 2026; Friday 20 March is Eid al-Fitr in Kyrgyzstan, and
    # 21 March (Nooruz) a Saturday. Three working days: 19, 23, 24 March.
    authority = make_authority("Akimat", contact_email="a@akimat.example.kg", country="KG")
    authority.response_term_days = 3
    appeal = make_appeal(authority=authority)
    deliver_by_email(None, appeal, authority)
    db.session.commit()
    drain()
    db.session.expire_all()
    assert {d.targets[0].due_on for d in appeal.demands} == {dt.date(2026, 3, 24)}
