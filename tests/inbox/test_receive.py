"""Replies, auto-replies and bounces arriving over real SMTP at `flask inbox serve`'s receiver,
matched to their appeal and authority; hostile and broken messages stored, never a crash."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from campaign.deliveries.models import Delivery
from tests.inbox.conftest import REPLY_DOMAIN
from tests.inbox.helpers import reply, send, stored


def test_a_reply_to_the_token_address_is_filed_under_its_appeal_and_authority(receiver, target):
    send(receiver, reply(target.reply_to), [target.reply_to])
    [item] = stored()
    assert (item.appeal_id, item.authority_id) == (target.appeal.id, target.authority.id)
    assert item.matched_by == "token" and item.kind == "reply" and item.state == "new"
    assert item.delivery_id == target.delivery.id
    assert item.subject == "Re: Appeal" and "We received your appeal." in item.text
    assert item.sent_at.isoformat() == "2026-12-07T03:30:00+00:00"


def test_a_reply_without_the_token_is_matched_by_in_reply_to(receiver, target):
    lost = f"reply+{target.appeal.id}-{target.authority.id}-0000000000000000@{REPLY_DOMAIN}"
    message = reply("someone@elsewhere.kg", In_Reply_To=target.delivery.message_id)
    # Forwarded by the organization's server to one of our addresses (here: a bounce address
    # of another delivery would also do); the forged token itself is refused at RCPT.
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(receiver, message, [lost])
    send(receiver, message, [target.reply_to.replace("reply+", "reply+", 1)])
    [item] = stored()
    assert item.matched_by == "token"

    from campaign.core.extensions import db
    from campaign.inbox.services import receive_message

    other = reply("someone@elsewhere.kg", message_id="<other@mvd.gov.kg>",
                  References=f"<x@y> {target.delivery.message_id}")  # fmt: skip
    item = receive_message(other.as_bytes())
    db.session.commit()
    assert item.matched_by == "in_reply_to"
    assert (item.appeal_id, item.authority_id) == (target.appeal.id, target.authority.id)


def test_mail_that_matches_nothing_waits_unmatched(app, db, target):
    from campaign.inbox.services import receive_message

    item = receive_message(reply("info@answerable.test", message_id="<lost@x>").as_bytes())
    db.session.commit()
    assert item.appeal_id is None and item.matched_by == "none" and item.state == "new"


def test_the_same_message_twice_is_stored_once(app, db, target):
    from campaign.inbox.services import receive_message

    raw = reply(target.reply_to).as_bytes()
    assert receive_message(raw) is not None
    assert receive_message(raw) is None
    db.session.commit()
    assert len(stored()) == 1


def test_a_foreign_recipient_is_refused_at_rcpt(receiver, target):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(receiver, reply("ceo@answerable.test"), ["ceo@answerable.test"])
    assert refused.value.recipients["ceo@answerable.test"][0] == 550
    assert stored() == []


def dsn(bounce_to: str, original_id: str, status: str = "5.1.1") -> bytes:
    return (
        f"From: MAILER-DAEMON@mx.gov.kg\r\nTo: {bounce_to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nAuto-Submitted: auto-replied\r\n"
        "Message-ID: <dsn-1@mx.gov.kg>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.gov.kg\r\n\r\n"
        "Final-Recipient: rfc822; minister@mvd.gov.kg\r\nAction: failed\r\n"
        f"Status: {status}\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {original_id}\r\nSubject: Appeal\r\n\r\n--B--\r\n"
    ).encode()


def test_a_dsn_marks_the_delivery_bounced_and_tells_the_campaigners(
    receiver, target, db, smtp, make_user
):
    from campaign import worker

    editor = make_user("editor")
    send(receiver, dsn(target.bounce_to, target.delivery.message_id), [target.bounce_to])
    [item] = stored()
    assert item.kind == "bounce" and item.delivery_id == target.delivery.id
    delivery = db.session.get(Delivery, target.delivery.id)
    assert delivery.status == "bounced" and delivery.bounced_at is not None
    assert "5.1.1" in delivery.bounce_reason and "User unknown" in delivery.bounce_reason
    worker.work_once()
    [mail] = smtp.wait_for(1)
    assert editor.email in mail["To"] and "bounced" in mail["Subject"]
    assert "User unknown" in mail.get_body(("plain",)).get_content()


def test_a_delayed_dsn_found_by_the_original_message_id_does_not_bounce(app, db, target):
    from campaign.inbox.services import receive_message

    raw = dsn("postmaster@answerable.test", target.delivery.message_id, "4.4.1")
    item = receive_message(raw.replace(b"Action: failed", b"Action: delayed"))
    db.session.commit()
    assert item.kind == "bounce" and item.matched_by == "in_reply_to"
    assert db.session.get(Delivery, target.delivery.id).status == "sent"


@pytest.mark.parametrize(
    "header", [("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes"),
               ("X-Autorespond", "1"), ("Precedence", "auto_reply")],
)  # fmt: skip
def test_auto_replies_are_recognized(app, db, target, header):
    from campaign.inbox.services import receive_message

    message = reply(target.reply_to, subject="Out of office")
    message[header[0]] = header[1]
    assert receive_message(message.as_bytes()).kind == "auto_reply"


def test_auto_submitted_no_is_a_person(app, db, target):
    from campaign.inbox.services import receive_message

    message = reply(target.reply_to, Auto_Submitted="no")
    assert receive_message(message.as_bytes()).kind == "reply"


def test_a_20_mb_message_is_refused_with_552(receiver, target):
    message = reply(target.reply_to, body="x" * 100)
    message.add_attachment(b"\0" * (20 * 1024 * 1024), maintype="application",
                           subtype="octet-stream", filename="huge.bin")  # fmt: skip
    with pytest.raises(smtplib.SMTPException) as refused:
        send(receiver, message, [target.reply_to])
    assert "552" in str(refused.value)
    assert stored() == []


def test_the_size_limit_is_a_setting(app, db, target):
    from campaign.inbox.services import MessageTooLarge, receive_message

    app.config["INBOX_MAX_MESSAGE_BYTES"] = 1000
    with pytest.raises(MessageTooLarge):
        receive_message(reply(target.reply_to, body="x" * 2000).as_bytes())


def test_a_malformed_message_is_kept_raw_for_a_human(receiver, target):
    raw = (
        f"From: broken@mvd.gov.kg\r\nTo: {target.reply_to}\r\nSubject: =?utf-8?q?broken\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="nope"\r\n'
        "Date: yesterday-ish\r\n\r\n"
        "--wrong\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\nbody \xff\r\n"
    ).encode("latin-1")
    send(receiver, raw, [target.reply_to])
    [item] = stored()
    assert item.raw == raw
    assert item.problem and "Defect" in item.problem and "Date" in item.problem
    assert item.matched_by == "token"


def test_html_is_sanitized(app, db, target):
    from campaign.inbox.services import receive_message

    message = reply(target.reply_to)
    message.add_alternative(
        "<html><head><style>body{background:url(https://track.example/s.png)}</style>"
        '<script>alert(1)</script></head><body onload="steal()">'
        '<p style="color:red">Answer</p><img src="https://track.example/pixel.gif" alt="logo">'
        '<a href="javascript:alert(2)">x</a><a href="https://mvd.gov.kg">site</a>'
        '<iframe src="https://evil.example"></iframe></body></html>',
        subtype="html",
    )
    item = receive_message(message.as_bytes())
    html = item.html
    for bad in ("script", "alert", "style", "track.example", "onload", "iframe", "javascript"):
        assert bad not in html, bad
    assert "<p>Answer</p>" in html and 'alt="logo"' in html
    assert 'href="https://mvd.gov.kg"' in html and "noreferrer" in html


def test_an_html_only_reply_gets_a_text(app, db, target):
    from campaign.inbox.services import receive_message

    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@mvd.gov.kg", target.reply_to, "R"
    message.set_content("<p>First &amp; second</p><script>x()</script>", subtype="html")
    assert receive_message(message.as_bytes()).text == "First & second"


def test_a_russian_reply_in_windows_1251_reads_right(receiver, target):
    body = "Уважаемые заявители! Ваше обращение рассмотрено."
    raw = (
        (
            "From: =?windows-1251?b?0eXr5e3o5SDM0ss=?= <mvd@mvd.gov.kg>\r\n"
            f"To: {target.reply_to}\r\n"
            "Subject: =?windows-1251?q?=CE=F2=E2=E5=F2?=\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=windows-1251\r\n"
            "Content-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + body.encode("cp1251")
        + b"\r\n"
    )
    send(receiver, raw, [target.reply_to])
    [item] = stored()
    assert item.subject == "Ответ"
    assert body in item.text


def test_attachments_go_through_the_documents_pipeline(app, db, target):
    from campaign.inbox.services import receive_message

    message = reply(target.reply_to)
    message.add_attachment(b"%PDF-1.4 letter", maintype="application", subtype="pdf",
                           filename="answer.pdf")  # fmt: skip
    message.add_attachment(b"MZ\x90\x00", maintype="application", subtype="x-msdownload",
                           filename="virus.exe")  # fmt: skip
    item = receive_message(message.as_bytes())
    db.session.commit()
    pdf, exe = item.attachments
    assert pdf.document and pdf.document_type == "application/pdf" and pdf.refused is None
    assert exe.document is None and exe.refused and exe.filename == "virus.exe"


def test_inbox_serve_says_when_it_cannot_listen(runner):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(args=["inbox", "serve", "--port", str(port)])
    assert result.exit_code != 0 and "Cannot listen" in result.output
