"""After signing: the thanks page shows where the mail went (masked), lets the signer correct
the address and resend the mail (the same answer for everyone, rate limited), and the
confirmed page asks to share, in the reader's language with `ref` set."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from campaign.mail.models import OutboxMessage
from campaign.optin.addresses import mask_address
from tests.sharing.helpers import tags
from tests.signatures.helpers import deliver, links, page, sign


@pytest.fixture
def app_config(app_config):
    return {
        **app_config,
        "RATELIMIT_ENABLED": True,
        "SIGN_RATE_LIMIT": "3/minute",
        "RATELIMIT_STORAGE_URI": "answerable-memory://",
    }


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("anna@example.org", "a***a@e***.org"),
        ("a@b.kg", "a***@b***.kg"),
        ("aida.bekova@mail.example.com", "a***a@m***.com"),
        ("x@localhost", "x***@l***"),
        ("", "***"),
    ],
)
def test_mask_address(address, masked):
    assert mask_address(address) == masked


def _thanks(client, appeal, **overrides):
    response = sign(client, appeal, **overrides)
    assert response.status_code == 303
    assert "@" not in response.headers["Location"]
    return client.get(response.headers["Location"])


def _confirm_mails(db) -> int:
    query = sa.select(sa.func.count()).where(OutboxMessage.kind == "signature-confirm")
    return db.session.execute(query).scalar()


def test_thanks_page_shows_the_address_masked_and_keeps_it_out_of_the_cookie(client, make_appeal):
    appeal = make_appeal()
    thanks = _thanks(client, appeal, email="aida.bekova@example.org")
    html = thanks.get_data(as_text=True)
    assert "a***a@e***.org" in html
    assert "aida.bekova" not in html and "example.org" not in html
    assert thanks.headers["Cache-Control"] == "no-store"
    assert thanks.headers["Referrer-Policy"] == "no-referrer"
    # The session cookie is signed, not encrypted by Flask: the address must not be readable.
    cookie = client.get_cookie("session").value
    payload = cookie.lstrip(".").split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"aida" not in decoded and b"example" not in decoded


def test_another_visitor_sees_no_address(app, client, make_appeal):
    appeal = make_appeal()
    _thanks(client, appeal)
    html = app.test_client().get(f"/appeals/{appeal.slug}/thanks").get_data(as_text=True)
    assert "***" not in html and "Check your email" in html


def test_resend_reaches_the_smtp_server(client, db, smtp, make_appeal):
    appeal = make_appeal()
    _thanks(client, appeal)
    deliver(smtp, 1)
    answer = client.post(f"/appeals/{appeal.slug}/thanks/resend")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    [_, again] = deliver(smtp, 2)
    assert again["To"] == "aida@example.org"
    assert set(links(again)) == {"confirm", "withdraw"}
    assert client.post(links(again)["confirm"]).status_code == 303


def test_resend_answers_the_same_pending_confirmed_or_unknown(app, db, smtp, make_appeal):
    appeal = make_appeal()
    pending, confirmed, unknown = (app.test_client() for _ in range(3))
    _thanks(pending, appeal, email="pending@example.org")
    _thanks(confirmed, appeal, email="confirmed@example.org")
    for message in deliver(smtp, 2):
        if message["To"] == "confirmed@example.org":
            confirmed.post(links(message)["confirm"])
    url = f"/appeals/{appeal.slug}/thanks/resend"
    answers = {page(c.post(url)) for c in (pending, confirmed, unknown)}
    assert len(answers) == 1
    # Only the pending signer got another confirmation.
    [*_, again] = deliver(smtp, 3)
    assert again["To"] == "pending@example.org"
    assert _confirm_mails(db) == 3


def test_resend_is_rate_limited_with_the_same_answer(client, db, smtp, make_appeal):
    appeal = make_appeal()
    _thanks(client, appeal)
    url = f"/appeals/{appeal.slug}/thanks/resend"
    answers = {page(client.post(url)) for _ in range(5)}
    assert len(answers) == 1
    assert _confirm_mails(db) == 1 + 3  # the first mail, then 3 of 5 within the minute
    deliver(smtp, 4)


def test_correct_the_address_shows_the_form_filled_in(app, client, make_appeal):
    appeal = make_appeal()
    _thanks(client, appeal, name="Aida Bekova", email="aida@exmaple.org", country="KG")
    thanks = client.get(f"/appeals/{appeal.slug}/thanks").get_data(as_text=True)
    [link] = [a["href"] for a in tags(thanks, "a") if "correct-address" in a.get("class", "")]
    assert link == f"/appeals/{appeal.slug}/correct#sign"
    answer = client.get(urlsplit(link).path)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    html = answer.get_data(as_text=True)
    inputs = {i.get("name"): i for i in tags(html, "input")}
    assert inputs["email"]["value"] == "aida@exmaple.org"
    assert inputs["name"]["value"] == "Aida Bekova"
    selected = [o for o in tags(html, "option") if "selected" in o and o.get("value") == "KG"]
    assert selected
    # Nobody else gets the form filled in.
    other = app.test_client().get(f"/appeals/{appeal.slug}/correct")
    assert other.status_code == 302 and other.headers["Location"].endswith("#sign")


def test_at_risk_appeal_thanks_and_resend(client, db, smtp, make_appeal):
    appeal = make_appeal(protection="at_risk")
    html = _thanks(client, appeal, city="").get_data(as_text=True)
    assert "a***a@e***.org" in html
    client.post(f"/appeals/{appeal.slug}/thanks/resend")
    messages = deliver(smtp, 2)
    assert [m["To"] for m in messages] == ["aida@example.org"] * 2


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_confirmed_page_asks_to_share_in_the_readers_language(client, smtp, make_appeal, lang):
    appeal = make_appeal()
    _thanks(client, appeal)
    [message] = deliver(smtp, 1)
    confirm = links(message)["confirm"]
    client.post(confirm)
    html = client.get(confirm, headers={"Accept-Language": lang}).get_data(as_text=True)
    found = {a["data-channel"]: a["href"] for a in tags(html, "a") if "data-channel" in a}
    assert next(iter(found)) == "telegram"
    params = parse_qs(urlsplit(found["telegram"]).query)
    shared = urlsplit(params["url"][0])
    assert shared.path == f"/appeals/{appeal.slug}"
    assert parse_qs(shared.query) == {"lang": [lang], "ref": ["telegram"]}


def test_unconfirmed_page_has_no_share_prompt(client, smtp, make_appeal):
    appeal = make_appeal()
    _thanks(client, appeal)
    [message] = deliver(smtp, 1)
    html = client.get(links(message)["confirm"]).get_data(as_text=True)
    assert "data-channel" not in html
