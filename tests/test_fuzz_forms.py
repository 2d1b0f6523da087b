"""Hostile text in every field of the public and admin forms: never a 5xx, never script in
the page, and nothing stored when the form is refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from campaign.appeals.models import Appeal
from campaign.endorsements.models import Endorsement
from campaign.signatures.models import Signature

SCRIPT = "<script>alert(1)</script>"
FRAGMENTS = [
    SCRIPT,
    '" onmouseover=alert(1) x="',
    "' onmouseover=alert(1) x='",
    "javascript:alert(1)",
    "<img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "\x00",
    "\r\n\t\x0b\x0c\x1b",
    "a" * 20_000,
    "x@example.org",
    "KG",
    "",
]
#: What must never appear raw in a page when some input carried it.
RAW_MARKERS = [
    SCRIPT,
    '" onmouseover=alert(1)',
    "' onmouseover=alert(1)",
    "<img src=x onerror",
    'href="javascript:',
]

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(FRAGMENTS),
    st.builds(
        lambda a, f, b: a + f + b,
        st.text(max_size=20),
        st.sampled_from(FRAGMENTS),
        st.text(max_size=20),
    ),
)

FUZZ = settings(
    max_examples=40,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _fields(names):
    return st.fixed_dictionaries(dict.fromkeys(names, HOSTILE))


def _count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _check(response, data, stored_before, stored_after):
    assert response.status_code < 500, response.status_code
    body = response.get_data(as_text=True)
    sent = "".join(data.values())
    for marker in RAW_MARKERS:
        if marker in sent:
            assert marker not in body, marker
    if not 300 <= response.status_code < 400:
        assert stored_after == stored_before, "a refused form stored something"


SIGN_FIELDS = ["name", "email", "country", "city", "display", "wants_updates", "website", "ref"]
ENDORSE_FIELDS = [
    "organization_name",
    "kind",
    "country",
    "website",
    "signatory_name",
    "signatory_role",
    "contact_email",
    "comment",
    "wants_updates",
    "homepage",
]
APPEAL_FIELDS = [
    "title",
    "summary",
    "body",
    "language",
    "signature_goal",
    "closes_at",
    "issued_on",
    "issued_by",
]


@pytest.fixture
def appeal(make_appeal, db):
    appeal = make_appeal()
    db.session.commit()
    return appeal


@FUZZ
@given(data=_fields(SIGN_FIELDS))
def test_signing_form(client, db, appeal, data):
    before = _count(db, Signature)
    response = client.post(f"/appeals/{appeal.slug}/sign", data=data)
    _check(response, data, before, _count(db, Signature))
    # What was accepted is shown on the appeal page: still no raw script there.
    page = client.get(f"/appeals/{appeal.slug}")
    _check(page, data, 0, 0)


@FUZZ
@given(data=_fields(ENDORSE_FIELDS))
def test_endorsement_form(client, db, appeal, data):
    before = _count(db, Endorsement)
    response = client.post(f"/appeals/{appeal.slug}/endorse", data=data)
    _check(response, data, before, _count(db, Endorsement))


@FUZZ
@given(data=_fields(["email", "password"]))
def test_login_form(client, db, make_user, data):
    response = client.post("/admin/login", data=data)
    _check(response, data, 0, 0)
    assert client.get("/admin/").status_code in (302, 401, 403), "hostile input logged in"


@pytest.fixture
def editor_client(client, login):
    login("editor")
    return client


@FUZZ
@given(data=_fields(APPEAL_FIELDS))
def test_admin_appeal_create_form(editor_client, db, data):
    before = _count(db, Appeal)
    response = editor_client.post("/admin/appeals/new", data=data)
    _check(response, data, before, _count(db, Appeal))
    if 300 <= response.status_code < 400:
        page = editor_client.get(response.headers["Location"])
        _check(page, data, 0, 0)


def test_nul_in_every_field_is_refused_without_an_error(client, db, appeal, login):
    """Found by the fuzzer on PostgreSQL: a NUL in the login email was a 500."""
    nul = "a\x00b@example.org"
    for path, names in [
        ("/admin/login", ["email", "password"]),
        (f"/appeals/{appeal.slug}/sign", SIGN_FIELDS),
        (f"/appeals/{appeal.slug}/endorse", ENDORSE_FIELDS),
    ]:
        response = client.post(path, data=dict.fromkeys(names, nul))
        assert 400 <= response.status_code < 500 or response.status_code == 200, path
    login("editor")
    before = _count(db, Appeal)
    response = client.post("/admin/appeals/new", data=dict.fromkeys(APPEAL_FIELDS, nul))
    _check(response, {}, before, _count(db, Appeal))
