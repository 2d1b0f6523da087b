"""Campaigners' inbox pages: the boxes, one message, filing unmatched mail, recording a
message as a response, publishing a redacted copy on the tracker, redaction rules; and the
correspondence API."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

import pytest

from campaign.core.dates import spell_date
from campaign.inbox.models import Correspondence
from campaign.responses.models import Response
from tests.inbox.helpers import reply


@pytest.fixture
def receive(app, db):
    from campaign.inbox.services import receive_message

    def do(message) -> Correspondence:
        item = receive_message(message if isinstance(message, bytes) else message.as_bytes())
        db.session.commit()
        return item

    return do


def test_the_inbox_lists_new_and_unmatched_mail(client, login, receive, target):
    login("editor")
    matched = receive(reply(target.reply_to, subject="Our answer"))
    receive(reply("x@answerable.test", subject="Lost letter", message_id="<l@x>"))
    page = client.get("/admin/inbox").get_data(as_text=True)
    assert "Our answer" in page and "Lost letter" in page
    unmatched = client.get("/admin/inbox?box=unmatched").get_data(as_text=True)
    assert "Lost letter" in unmatched and "Our answer" not in unmatched
    per_appeal = client.get(f"/admin/appeals/{target.appeal.slug}/inbox").get_data(as_text=True)
    assert "Our answer" in per_appeal and "Lost letter" not in per_appeal
    assert f"/admin/inbox/{matched.id}" in per_appeal
    assert client.get("/admin/inbox?box=nonsense").status_code == 404


def test_a_moderator_cannot_read_the_inbox(client, login, receive, target):
    login("moderator")
    item = receive(reply(target.reply_to))
    assert client.get("/admin/inbox").status_code == 403
    assert client.get(f"/admin/inbox/{item.id}").status_code == 403


def test_the_message_page_shows_html_only_sandboxed(client, login, receive, target):
    login("editor")
    message = reply(target.reply_to)
    message.add_alternative(
        '<p>Answer</p><script>alert(1)</script><img src="https://track.example/p.gif">',
        subtype="html",
    )
    item = receive(message)
    page = client.get(f"/admin/inbox/{item.id}").get_data(as_text=True)
    frame = re.search(r"<iframe[^>]*>", page)[0]
    assert 'sandbox=""' in frame and "srcdoc=" in frame
    assert "&lt;p&gt;Answer&lt;/p&gt;" in frame
    assert "script" not in frame and "track.example" not in page


def test_attachments_download_and_refused_ones_are_listed(client, login, receive, target):
    login("editor")
    message = reply(target.reply_to)
    message.add_attachment(b"%PDF-1.4 letter", maintype="application", subtype="pdf",
                           filename="answer.pdf")  # fmt: skip
    message.add_attachment(b"<svg onload=x>", maintype="image", subtype="svg+xml",
                           filename="logo.svg")  # fmt: skip
    item = receive(message)
    page = client.get(f"/admin/inbox/{item.id}").get_data(as_text=True)
    assert "logo.svg" in page and "not stored" in page
    pdf = item.attachments[0]
    download = client.get(f"/admin/inbox/{item.id}/attachments/{pdf.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 letter"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    refused = item.attachments[1]
    assert client.get(f"/admin/inbox/{item.id}/attachments/{refused.id}").status_code == 404


def test_unmatched_mail_is_filed_by_hand(client, login, receive, target, db):
    login("editor")
    item = receive(reply("x@answerable.test", message_id="<l@x>"))
    value = f"{target.appeal.id}:{target.authority.id}"
    response = client.post(f"/admin/inbox/{item.id}/assign", data={"target": value})
    assert response.status_code == 302
    db.session.refresh(item)
    assert (item.appeal_id, item.authority_id, item.matched_by) == (
        target.appeal.id, target.authority.id, "manual",
    )  # fmt: skip
    bad = client.post(f"/admin/inbox/{item.id}/assign", data={"target": f"{target.appeal.id}:999"})
    assert bad.status_code == 400


def test_record_as_response_opens_the_form_filled_and_marks_it_recorded(
    client, login, receive, target, db
):
    login("editor")
    sent = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    message = reply(target.reply_to, subject="Out of office", Auto_Submitted="auto-replied",
                    body="Your letter is registered under number 42.",
                    Date=email.utils.format_datetime(sent))  # fmt: skip
    message.add_attachment(b"%PDF-1.4 receipt", maintype="application", subtype="pdf",
                           filename="receipt.pdf")  # fmt: skip
    item = receive(message)
    shown = client.get(f"/admin/inbox/{item.id}").get_data(as_text=True)
    url = (f"/admin/appeals/{target.appeal.slug}/responses/new?authority={target.authority.slug}"
           f"&amp;correspondence={item.id}")  # fmt: skip
    assert url in shown  # "Record as response" opens step 2 for the message's authority
    page = client.get(url.replace("&amp;", "&")).get_data(as_text=True)
    assert f'name="correspondence" type="hidden" value="{item.id}"' in page
    assert f'value="{spell_date(sent.date(), "en")}"' in page
    assert "registered under number 42" in page
    demand = target.appeal.demands[0]
    assert re.search(rf'<select[^>]*name="status_{demand.id}"[^>]*>.*?<option selected value='
                     r'"acknowledged">', page, re.S)  # fmt: skip
    assert "receipt.pdf" in page

    assert re.search(rf'name="concerns_{demand.id}"[^>]*checked', page) or re.search(
        rf'checked[^>]*name="concerns_{demand.id}"', page
    )
    form = {
        "correspondence": str(item.id),
        "occurred_on": sent.date().isoformat(), "kind": "official_letter",
        "summary": "Registered under number 42.", f"concerns_{demand.id}": "y",
        f"status_{demand.id}": "acknowledged", "use_attachment": str(item.attachments[0].id),
    }  # fmt: skip
    post_url = url.replace("&amp;", "&")
    response = client.post(post_url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(item)
    recorded = db.session.get(Response, item.response_id)
    assert item.state == "recorded" and recorded.summary == "Registered under number 42."
    assert recorded.document and recorded.document_type == "application/pdf"
    assert demand.targets[0].status == "acknowledged"
    again = client.post(post_url, data=form)
    assert again.status_code == 400


def test_a_message_of_another_appeal_cannot_prefill(client, login, receive, target, make_appeal):
    login("editor")
    item = receive(reply(target.reply_to))
    other = make_appeal()
    authority = other.demands[0].targets[0].authority.slug
    assert client.get(
        f"/admin/appeals/{other.slug}/responses/new?authority={authority}&correspondence={item.id}"
    ).status_code == 404  # fmt: skip


def test_publishing_applies_the_redaction_rules(client, login, receive, target, db):
    login("admin")
    rule = client.post("/admin/inbox/redactions", data={
        "pattern": r"\+996[\d ]{9,12}", "is_regex": "y", "replacement": "[phone]",
    })  # fmt: skip
    assert rule.status_code == 302
    client.post("/admin/inbox/redactions", data={"pattern": "Asanov", "replacement": "[name]"})
    item = receive(reply(
        target.reply_to, subject="Answer from Asanov",
        body="Call Asanov at +996 555 123 456 or asanov.private@gmail.com.",
    ))  # fmt: skip
    preview = client.get(f"/admin/inbox/{item.id}").get_data(as_text=True)
    assert "Call [name] at [phone] or [email address]." in preview
    assert client.post(f"/admin/inbox/{item.id}/publish").status_code == 302
    tracker = client.get(f"/appeals/{target.appeal.slug}/tracker").get_data(as_text=True)
    assert "Call [name] at [phone] or [email address]." in tracker
    assert "Answer from [name]" in tracker
    for secret in ("Asanov", "555 123", "gmail", "press.office"):
        assert secret not in tracker, secret
    api = f"/api/v1/appeals/{target.appeal.slug}"
    [public] = client.get(api).get_json()["correspondence"]
    assert public["subject"] == "Answer from [name]"
    assert public["text"].startswith("Call [name] at [phone] or [email address].")
    assert public["authority"]["slug"] == target.authority.slug
    for secret in ("Asanov", "555 123", "gmail", "press.office"):
        assert secret not in str(public), secret
    client.post(f"/admin/inbox/{item.id}/unpublish")
    assert "[phone]" not in client.get(f"/appeals/{target.appeal.slug}/tracker").get_data(True)
    assert client.get(api).get_json()["correspondence"] == []


def test_unmatched_mail_and_bounces_are_not_published(client, login, receive, target):
    login("editor")
    item = receive(reply("x@answerable.test", message_id="<l@x>"))
    client.post(f"/admin/inbox/{item.id}/publish")
    assert client.get(f"/admin/inbox/{item.id}").status_code == 200
    from campaign.core.extensions import db

    db.session.refresh(item)
    assert item.published_at is None


@pytest.mark.parametrize(
    "pattern, error",
    [(r"(a)\1", "RE2"), ("(?=x)y", "RE2"), ("x" * 501, "at most 500"), ("", "required")],
)
def test_a_bad_pattern_is_refused_on_the_form(client, login, pattern, error):
    login("admin")
    response = client.post(
        "/admin/inbox/redactions", data={"pattern": pattern, "is_regex": "y"}
    )  # fmt: skip
    assert response.status_code == 400
    assert error.lower() in response.get_data(as_text=True).lower()


def test_a_runaway_pattern_cannot_hang_publishing(app, db, receive, target, make_user):
    import time

    from campaign.inbox.models import RedactionRule
    from campaign.inbox.services import publish_correspondence

    db.session.add(RedactionRule(pattern="(a+)+$", is_regex=True, replacement="x"))
    item = receive(reply(target.reply_to, body="a" * 200_000 + "!"))
    started = time.monotonic()
    publish_correspondence(None, item)
    assert time.monotonic() - started < 2


def test_only_admins_keep_redaction_rules(client, login):
    login("editor")
    assert client.get("/admin/inbox/redactions").status_code == 403


def test_the_api_lists_an_appeals_correspondence(client, api_token, receive, target):
    receive(reply(target.reply_to, subject="Answer"))
    receive(reply("x@answerable.test", message_id="<l@x>"))
    headers = api_token("editor")
    url = f"/api/v1/appeals/{target.appeal.slug}/correspondence"
    body = client.get(url, headers=headers).get_json()
    assert body["total"] == 1
    [item] = body["items"]
    assert item["authority"] == target.authority.slug and item["matched"] is True
    assert item["subject"] == "Answer" and item["sender"] == "press.office@mvd.gov.kg"
    assert {"text", "received_at", "kind", "state"} <= set(item)
    assert client.get(url).status_code == 401
    assert client.get(url, headers=api_token("moderator")).status_code == 403
    missing = client.get("/api/v1/appeals/nope/correspondence", headers=headers)
    assert missing.status_code == 404 and "error" in missing.get_json()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/appeals/{slug}/correspondence" in spec["paths"]


def test_a_bounced_delivery_is_flagged_in_the_inbox(client, login, receive, target):
    from tests.inbox.test_receive import dsn

    login("editor")
    item = receive(dsn(target.bounce_to, target.delivery.message_id).replace(
        b"To: ", f"To: {target.bounce_to}, ".encode(), 1
    ))  # fmt: skip
    assert item.kind == "bounce"
    page = client.get("/admin/inbox").get_data(as_text=True)
    assert "Bounced deliveries" in page and "User unknown" in page
    message = client.get(f"/admin/inbox/{item.id}").get_data(as_text=True)
    assert "Record as response" not in message and "Publish this copy" not in message


def test_a_malformed_message_can_be_downloaded_raw(client, login, receive, target):
    login("editor")
    raw = b"From: x@mvd.gov.kg\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\nbroken"
    item = receive(raw)
    page = client.get(f"/admin/inbox/{item.id}").get_data(as_text=True)
    assert "This message is malformed" in page
    download = client.get(f"/admin/inbox/{item.id}/raw")
    assert download.data == raw and "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"] == "application/octet-stream"
