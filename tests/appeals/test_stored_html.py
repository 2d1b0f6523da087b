"""Markdown bodies (appeals, their translations, updates) are rendered once, when saved:
size-limited before any rendering, refused when too complex to render within the budget,
and shown everywhere from the stored HTML."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from campaign.appeals.demo import DEMO_SLUG
from campaign.appeals.models import Appeal, AppealTranslation, Update
from campaign.core.database import utcnow
from campaign.core.limits import APPEAL_BODY_MAX, UPDATE_BODY_MAX
from campaign.mail.models import Mailing, OutboxMessage
from campaign.mail.services import opened as opened_message
from campaign.signatures.models import Signature
from tests.api.helpers import assert_error
from tests.factories import markdown

#: Takes minutes to render: only the budget ends it.
WORST = "[" * 50_000
#: Wide enough that a loaded CI machine still renders plain text in time.
BUDGET = 2.0
TOO_COMPLEX = "This text is too complex to format; simplify it."


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MARKDOWN_RENDER_SECONDS": BUDGET}


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _stored(db, appeal) -> Appeal:
    db.session.expire_all()
    return db.session.get(Appeal, appeal.id)


# --- the API -----------------------------------------------------------------------------------


def test_the_api_stores_the_rendered_body_and_answers_with_it(client, db, api_token):
    editor = api_token("editor")
    body = {"title": "Free them", "body": "We **demand** <script>alert(1)</script>"}
    data = client.post("/api/v1/appeals", json=body, headers=editor).get_json()
    assert data["body_html"] == "<p>We <strong>demand</strong> </p>"
    assert db.session.scalars(sa.select(Appeal.body_html)).one() == data["body_html"]

    url = f"/api/v1/appeals/{data['slug']}"
    patched = client.patch(url, json={"body": "Now _this_."}, headers=editor).get_json()
    assert patched["body_html"] == "<p>Now <em>this</em>.</p>"
    # Other fields leave the stored HTML as it is.
    client.patch(url, json={"title": "Free them all"}, headers=editor)
    assert db.session.scalars(sa.select(Appeal.body_html)).one() == "<p>Now <em>this</em>.</p>"


@pytest.mark.parametrize("method", ["post", "patch"])
def test_the_api_refuses_a_body_too_complex_to_render_naming_it(
    client, db, api_token, make_appeal, method
):
    editor = api_token("editor")
    appeal = make_appeal(body="Before.")
    url = "/api/v1/appeals" if method == "post" else f"/api/v1/appeals/{appeal.slug}"
    start = time.monotonic()
    response = getattr(client, method)(url, json={"title": "T", "body": WORST}, headers=editor)
    error = assert_error(response, 400, "invalid")
    assert error["fields"] == {"body": TOO_COMPLEX}
    assert time.monotonic() - start < BUDGET + 15  # the interpreter's start is not counted
    assert _count(db, Appeal) == 1
    stored = _stored(db, appeal)
    assert (stored.title, stored.body, stored.body_html) == (
        appeal.title, "Before.", "<p>Before.</p>"
    )  # fmt: skip


def test_the_api_refuses_a_body_over_the_limit_before_rendering_it(client, db, api_token):
    editor = api_token("editor")
    for body in (WORST * 3, "x" * (APPEAL_BODY_MAX + 1)):  # too long, whatever it holds
        start = time.monotonic()
        response = client.post("/api/v1/appeals", json={"title": "T", "body": body}, headers=editor)
        error = assert_error(response, 400, "invalid")
        assert error["fields"] == {"body": [f"Longer than maximum length {APPEAL_BODY_MAX}."]}
        assert time.monotonic() - start < BUDGET  # refused before any rendering
    assert _count(db, Appeal) == 0
    ok = {"title": "T", "body": "x" * APPEAL_BODY_MAX}
    assert client.post("/api/v1/appeals", json=ok, headers=editor).status_code == 201


def test_the_openapi_document_states_the_limit(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("AppealIn", "AppealPatch"):
        assert schemas[name]["properties"]["body"]["maxLength"] == APPEAL_BODY_MAX


# --- the campaigners' forms ----------------------------------------------------------------


def _appeal_form(**overrides) -> dict:
    return {"title": "Free them", "summary": "", "language": "en", "body": "", **overrides}


def test_the_appeal_form_refuses_a_body_too_complex_beside_the_field(client, db, login):
    login("editor")
    response = client.post("/admin/appeals/new", data=_appeal_form(body=WORST))
    assert response.status_code == 400
    assert TOO_COMPLEX in response.get_data(as_text=True)
    assert _count(db, Appeal) == 0

    ok = client.post("/admin/appeals/new", data=_appeal_form(body="A *fine* body."))
    assert ok.status_code == 302
    appeal = db.session.scalars(sa.select(Appeal)).one()
    assert appeal.body_html == "<p>A <em>fine</em> body.</p>"
    edit = f"/admin/appeals/{appeal.slug}/edit"
    response = client.post(edit, data=_appeal_form(title="Renamed", body=WORST))
    assert response.status_code == 400 and TOO_COMPLEX in response.get_data(as_text=True)
    stored = _stored(db, appeal)
    assert (stored.title, stored.body_html) == ("Free them", "<p>A <em>fine</em> body.</p>")
    long = client.post(edit, data=_appeal_form(body="x" * (APPEAL_BODY_MAX + 1)))
    assert long.status_code == 400
    assert f"At most {APPEAL_BODY_MAX} characters." in long.get_data(as_text=True)


def test_the_translation_form_refuses_a_body_too_complex(client, db, login, make_appeal):
    login("editor")
    appeal = make_appeal(demands=["Stop"])
    url = f"/admin/appeals/{appeal.slug}/translations/ru"
    data = {"title": "Стоп", "summary": "", f"demand_{appeal.demands[0].id}": "Стоп"}
    response = client.post(url, data={**data, "body": WORST})
    assert response.status_code == 400 and TOO_COMPLEX in response.get_data(as_text=True)
    assert _count(db, AppealTranslation) == 0
    assert client.post(url, data={**data, "body": "**Текст**"}).status_code == 302
    assert db.session.scalars(sa.select(AppealTranslation.body_html)).one() == (
        "<p><strong>Текст</strong></p>"
    )


def test_the_update_form_refuses_a_body_too_complex_and_mails_nothing(
    client, db, login, demo_appeal
):
    login("editor")
    url = f"/admin/appeals/{DEMO_SLUG}/updates"
    response = client.post(url, data={"title": "News", "body": WORST[:UPDATE_BODY_MAX]})
    assert response.status_code == 400 and TOO_COMPLEX in response.get_data(as_text=True)
    too_long = client.post(url, data={"title": "News", "body": "x" * (UPDATE_BODY_MAX + 1)})
    assert too_long.status_code == 400
    assert (_count(db, Update), _count(db, Mailing)) == (0, 0)
    assert client.post(url, data={"title": "News", "body": "  We *won*. \n"}).status_code == 302
    update = db.session.scalars(sa.select(Update)).one()
    assert (update.body, update.body_html) == ("We *won*.", "<p>We <em>won</em>.</p>")


# --- reading: the stored HTML, never Markdown rendered again ------------------------------


def test_pages_api_and_mail_show_the_stored_html(client, db, make_user, demo_appeal):
    from campaign.responses.mailshots import run_mailing, start_update_mailing
    from campaign.responses.services import post_update

    db.session.add(
        Signature(
            appeal_id=demo_appeal.id, name="Reader", email="reader@example.org",
            email_key="reader@example.org", country="KG", wants_updates=True,
            state="confirmed", confirmed_at=utcnow(),
        )
    )  # fmt: skip
    update = post_update(make_user("editor"), demo_appeal, "News", markdown("*Source*"))
    db.session.commit()
    # What a page shows comes from the stored column: changed behind the renderer's back,
    # the change shows (a page that rendered the source would show <em>Source</em>).
    marker = "<p>Stored <b>HTML</b></p>"
    db.session.execute(sa.update(Appeal).values(body_html=marker))
    db.session.execute(sa.update(AppealTranslation).values(body_html=marker))
    db.session.execute(sa.update(Update).values(body_html=marker))
    db.session.commit()

    for path in (f"/appeals/{DEMO_SLUG}", f"/appeals/{DEMO_SLUG}?lang=ru",
                 f"/appeals/{DEMO_SLUG}/updates/{update.id}"):  # fmt: skip
        assert marker in client.get(path).get_data(as_text=True), path
    for lang in ("en", "ru"):
        api = client.get(f"/api/v1/appeals/{DEMO_SLUG}?lang={lang}").get_json()
        assert api["body_html"] == marker and api["language"] == lang
    mailing = start_update_mailing(None, update)
    db.session.commit()
    run_mailing(mailing.id)
    mail = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "mailing-update")
    ).one()
    opened = opened_message(mail)  # a subscriber's mail is sealed while it waits
    assert marker in opened.html and "*Source*" in opened.text


def test_web_code_no_longer_renders_markdown(app):
    assert "markdown" not in app.jinja_env.filters
