"""The session cookie is signed as Flask signs it, small ones without zlib; cookies Flask's own
interface wrote (compressed ones too) still load, and a tampered one does not."""

from __future__ import annotations

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

from campaign.core.sessions import SessionInterface


def test_new_cookies_are_plain_and_old_ones_still_load(app):
    ours = app.session_interface.get_signing_serializer(app)
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    assert isinstance(app.session_interface, SessionInterface)
    data = {"csrf_token": "f" * 40, "_user_id": "7"}
    cookie = ours.dumps(data)
    assert not cookie.startswith(".")  # "." marks a zlib payload
    assert flasks.loads(cookie) == data
    big = {"_flashes": [["message", "Saved the appeal."]] * 40}
    assert ours.dumps(big).startswith(".")  # large ones are still compressed
    assert len(ours.dumps(big)) < 300
    compressed = flasks.dumps(big)
    assert ours.loads(compressed) == big and flasks.loads(ours.dumps(big)) == big
    with pytest.raises(BadSignature):
        ours.loads(cookie[:-2] + ("A" if cookie[-2] != "A" else "B") + cookie[-1])


def test_a_visitor_keeps_their_session_across_requests(client, make_appeal):
    appeal = make_appeal()
    client.get(f"/appeals/{appeal.slug}")
    with client.session_transaction() as session:
        token = session.get("csrf_token")
    client.get(f"/appeals/{appeal.slug}")
    with client.session_transaction() as session:
        assert session.get("csrf_token") == token
