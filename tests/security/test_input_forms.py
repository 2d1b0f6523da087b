"""Every form refuses what no database stores, beside the field, whatever the field: NUL,
unpaired surrogates (which arrive as JSON: Flask-WTF reads JSON bodies as form data), and
JSON a form cannot read. Messages are translated."""

from __future__ import annotations

import json

import pytest

from campaign.signatures.models import Signature
from tests.signatures.helpers import form
from tests.stored_text import bad_stored_text, committed_rows

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
def appeal(make_appeal, db):
    return make_appeal()


def _post_json(client, url: str, text: str):
    """A body written by hand: lone surrogates as \\ud800 escapes, as a client sends them."""
    return client.post(url, data=text, content_type="application/json")


def test_deep_json_sent_to_a_form_is_a_400_not_a_500(client, appeal, db):
    response = _post_json(client, f"/appeals/{appeal.slug}/sign", DEEP)
    assert response.status_code == 400
    assert committed_rows(Signature) == 0


def test_a_json_body_a_form_cannot_read_is_a_400(client, appeal, db):
    """Flask-WTF takes a JSON object as form data; anything but strings would reach fields
    that parse text (a dict where a date is expected was a TypeError)."""
    for body in ["[1, 2, 3]", "5", '{"name": {"a": 1}}', '{"country": ["KG", 7]}']:
        response = _post_json(client, f"/appeals/{appeal.slug}/sign", body)
        assert response.status_code == 400, body
    assert committed_rows(Signature) == 0


def test_the_signing_form_refuses_nul_beside_the_field(client, db, appeal):
    response = client.post(
        f"/appeals/{appeal.slug}/sign", data=form(name="Aida\x00", city="Osh\x00")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert page.count("This text holds characters that cannot be stored.") == 2
    assert committed_rows(Signature) == 0
    assert bad_stored_text() == []


def test_a_form_refuses_a_surrogate_sent_as_json(client, db, appeal):
    """Browsers never send one, but Flask-WTF reads JSON bodies as form data too."""
    body = json.dumps(form())[:-1] + ', "name": "Aida\\ud800"}'
    response = _post_json(client, f"/appeals/{appeal.slug}/sign", body)
    assert response.status_code == 400
    assert "This text holds characters that cannot be stored." in response.get_data(as_text=True)
    assert committed_rows(Signature) == 0


def test_every_field_of_a_form_is_checked_even_optional_ones(client, db, login):
    """Optional() stops a field's validator chain; the check still sees the value."""
    login("editor")
    data = dict.fromkeys(["summary", "body", "signature_goal", "closes_at", "issued_on"], "")
    data.update(title="Title", language="en", issued_by="Org\x00")
    response = client.post("/admin/appeals/new", data=data)
    assert response.status_code == 400
    assert "This text holds characters that cannot be stored." in response.get_data(as_text=True)
    assert bad_stored_text() == []


def test_form_messages_about_input_are_translated(client, appeal):
    response = client.post(
        f"/appeals/{appeal.slug}/sign",
        data=form(name="x" * 201, city="Osh\x00"),
        headers={"Accept-Language": "ky"},
    )
    page = response.get_data(as_text=True)
    assert "Эң көп дегенде 200 белги." in page
    assert "Бул текстте сактоого мүмкүн болбогон белгилер бар." in page


def test_a_view_reading_a_field_before_validating_never_sees_unstorable_text(client, appeal):
    """The resend view looks up the appeal the form names before validating it: the form
    holds U+FFFD in place of what cannot be stored, so the lookup finds nothing (404)."""
    assert client.post("/confirm/resend", data={"appeal": "a\x00b"}).status_code == 404
    body = json.dumps({"appeal": appeal.slug + "\ud800", "email": "a@example.org"})
    assert _post_json(client, "/confirm/resend", body).status_code == 404
