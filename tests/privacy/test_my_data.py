"""/my-data/<token>: a signer sees what is stored about them, and can erase it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from campaign.core.security import make_token
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature
from tests.signatures.helpers import body, deliver, links, sign

DATA_LINK = re.compile(r"https?://\S+(/my-data/[A-Za-z0-9_.\-]+)")


def _data_path(message) -> str:
    [path] = DATA_LINK.findall(body(message))
    html = message.get_body(preferencelist=("html",)).get_content()
    assert path in html
    return path


def _row(db) -> Signature:
    db.session.expire_all()
    return db.session.execute(sa.select(Signature)).scalar_one()


def test_signer_sees_their_data_and_erases_it(client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal, name="Aida Bekova", email="aida@example.org", city="Bishkek")
    sign(client, make_appeal(), name="Other Person", email="other@example.org")
    message = deliver(smtp, 2)[0]
    client.post(links(message)["confirm"])
    assert signature_count(appeal.id) == 1
    path = _data_path(message)

    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    for shown in ("Aida Bekova", "aida@example.org", "Bishkek", "Kyrgyzstan", "Erase my data"):
        assert shown in html
    assert "Other Person" not in html and "other@example.org" not in html
    assert signature_count(appeal.id) == 1  # GET changes nothing

    erased = client.post(path)
    assert erased.status_code == 303
    html = client.get(path).get_data(as_text=True)
    assert "Your personal data is erased" in html
    assert "Aida Bekova" not in html and "aida@example.org" not in html
    assert "Erase my data" not in html
    row = db.session.execute(
        sa.select(Signature).where(Signature.appeal_id == appeal.id)
    ).scalar_one()
    db.session.refresh(row)
    assert row.state == "withdrawn" and row.email is None and row.name is None
    assert row.personal_data_erased_at is not None and row.country == "KG"
    assert signature_count(appeal.id) == 0
    assert client.post(path).status_code == 303  # twice is harmless
    assert signature_count(appeal.id) == 0


def test_already_signed_mail_has_the_link_too(client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal)
    client.post(links(deliver(smtp, 1)[0])["confirm"])
    sign(client, appeal)
    message = deliver(smtp, 2)[1]
    assert "already" in message["Subject"].lower()
    assert client.get(_data_path(message)).status_code == 200


def test_token_of_another_purpose_is_refused(client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal)
    client.post(links(deliver(smtp, 1)[0])["confirm"])
    row = _row(db)
    for purpose in ("signature-confirm", "signature-withdraw", "endorsement-withdraw"):
        token = make_token(purpose, row.id)
        assert client.get(f"/my-data/{token}").status_code == 400
        assert client.post(f"/my-data/{token}").status_code == 400
    # ... and the data token is no withdraw or confirm token.
    data_token = make_token("signature-data", row.id)
    assert client.post(f"/withdraw/{data_token}").status_code == 400
    assert client.post(f"/confirm/{data_token}").status_code == 400
    assert _row(db).state == "confirmed" and signature_count(appeal.id) == 1


def test_expired_or_tampered_link_gets_a_clear_page(app, client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal)
    path = _data_path(deliver(smtp, 1)[0])
    tampered = client.get(path[:-3] + "xyz")
    assert tampered.status_code == 400 and "not valid" in tampered.get_data(as_text=True)
    app.config["DATA_TOKEN_MAX_AGE"] = -1
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "expired" in html and "aida@example.org" not in html
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert _row(db).email == "aida@example.org"


def test_erasing_needs_csrf(app, client, db, smtp, make_appeal):
    appeal = make_appeal()
    sign(client, appeal)
    message = deliver(smtp, 1)[0]
    client.post(links(message)["confirm"])
    app.config["WTF_CSRF_ENABLED"] = True
    path = _data_path(message)
    response = client.post(path)
    assert response.status_code == 400  # refused, nothing changed
    assert _row(db).state == "confirmed" and signature_count(appeal.id) == 1
    html = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post(path, data={"csrf_token": token}).status_code == 303
    assert _row(db).email is None and signature_count(appeal.id) == 0
