"""An appeal's protection level: what an at-risk appeal asks of signing (form and API), what it
shows (no list of signers, countries folded into "other"), how long it keeps personal data,
and the sentence near every sign form; campaigners set it in /admin and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from campaign.appeals.models import Appeal
from campaign.appeals.services import close_appeal
from campaign.core.database import utcnow
from campaign.signatures.models import Signature
from tests.api.helpers import assert_error
from tests.dashboard.helpers import appeal_at, signed, utc
from tests.signatures.helpers import deliver, form, links, sign

SIGNER = {"name": "Aida Bekova", "email": "aida@example.org", "country": "KG"}


def _stored(db, appeal) -> list[Signature]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Signature).where(Signature.appeal_id == appeal.id)))


def _sign_section(page: str) -> str:
    return page[page.index('id="sign"') : page.index("</section>", page.index('id="sign"'))]


# --- the sign form -----------------------------------------------------------------------------


def test_an_at_risk_form_has_an_unticked_name_box_and_no_city(app, client, make_appeal):
    appeal = make_appeal(protection="at_risk")
    section = _sign_section(client.get(f"/appeals/{appeal.slug}").get_data(True))
    box = re.search(r"<input[^>]*name=\"show_name\"[^>]*>", section).group(0)
    assert 'type="checkbox"' in box and "checked" not in box
    assert 'name="city"' not in section and 'name="display"' not in section
    assert "your name is shown only if you tick the box" in section
    assert "erased 30 days after the appeal closes" in section
    assert 'href="/privacy"' in section


def test_a_standard_form_keeps_city_and_the_anonymous_choice(app, client, make_appeal):
    appeal = make_appeal()
    section = _sign_section(client.get(f"/appeals/{appeal.slug}").get_data(True))
    assert 'name="city"' in section and 'name="display"' in section
    assert 'name="show_name"' not in section
    assert "your name is shown unless you sign anonymously" in section
    assert "erased 365 days after the appeal closes" in section
    assert 'href="/privacy"' in section


def test_the_sentence_speaks_the_readers_language(app, client, make_appeal):
    appeal = make_appeal(protection="at_risk", retention_days=7)
    client.post("/language", data={"lang": "ru", "next": "/"})
    section = _sign_section(client.get(f"/appeals/{appeal.slug}").get_data(True))
    assert "через 7 дней после закрытия обращения" in section


@pytest.mark.parametrize(
    ("extra", "public"),
    [
        ({}, False),  # the box left unticked
        ({"display": "name"}, False),  # a radio pre-selected on an older page is no opt-in
        ({"show_name": "y"}, True),
    ],
)
def test_an_at_risk_name_is_public_only_when_ticked(
    app, db, client, smtp, make_appeal, extra, public
):
    appeal = make_appeal(protection="at_risk")
    data = {**form(city=""), **extra}
    if "display" not in extra:
        data.pop("display")  # the at-risk form has no such radio
    assert client.post(f"/appeals/{appeal.slug}/sign", data=data).status_code == 303
    [signature] = _stored(db, appeal)
    assert signature.public_name is public
    assert signature.city is None


def test_an_at_risk_appeal_takes_no_city_from_the_form(app, db, client, make_appeal):
    appeal = make_appeal(protection="at_risk")
    response = sign(client, appeal, city="Bishkek")
    assert response.status_code == 400
    assert "does not ask for a city" in response.get_data(True)
    assert _stored(db, appeal) == []


def test_a_standard_name_is_public_unless_anonymous(app, db, client, make_appeal):
    appeal = make_appeal()
    assert sign(client, appeal).status_code == 303
    assert sign(client, appeal, email="b@example.org", display="anonymous").status_code == 303
    data = form(email="c@example.org")
    data.pop("display")
    assert client.post(f"/appeals/{appeal.slug}/sign", data=data).status_code == 303
    stored = {s.email: (s.public_name, s.city) for s in _stored(db, appeal)}
    assert stored == {
        "aida@example.org": (True, "Bishkek"),
        "b@example.org": (False, "Bishkek"),
        "c@example.org": (True, "Bishkek"),
    }


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "public"),
    [({}, False), ({"public_name": None}, False), ({"public_name": True}, True)],
)
def test_api_at_risk_name_is_public_only_when_true(app, db, client, make_appeal, extra, public):
    appeal = make_appeal(protection="at_risk")
    response = client.post(f"/api/v1/appeals/{appeal.slug}/signatures", json={**SIGNER, **extra})
    assert response.status_code == 202, response.get_data(True)
    [signature] = _stored(db, appeal)
    assert signature.public_name is public


def test_api_at_risk_refuses_a_city_naming_the_field(app, db, client, make_appeal):
    appeal = make_appeal(protection="at_risk")
    response = client.post(
        f"/api/v1/appeals/{appeal.slug}/signatures", json={**SIGNER, "city": "Osh"}
    )
    error = assert_error(response, 400)
    assert "city" in error["fields"]
    assert _stored(db, appeal) == []


def test_api_standard_default_still_shows_the_name(app, db, client, make_appeal):
    appeal = make_appeal()
    response = client.post(
        f"/api/v1/appeals/{appeal.slug}/signatures", json={**SIGNER, "city": "Osh"}
    )
    assert response.status_code == 202
    [signature] = _stored(db, appeal)
    assert (signature.public_name, signature.city) == (True, "Osh")


# --- what is shown -----------------------------------------------------------------------------


def test_no_list_of_signers_on_an_at_risk_appeal(app, db, client, smtp, make_appeal):
    risky, standard = make_appeal(protection="at_risk"), make_appeal()
    for n, appeal in enumerate((risky, standard), start=1):
        data = {**form(city="" if appeal is risky else "Bishkek"), "show_name": "y"}
        assert client.post(f"/appeals/{appeal.slug}/sign", data=data).status_code == 303
        assert client.post(links(deliver(smtp, n)[-1])["confirm"]).status_code == 303
    standard_page = client.get(f"/appeals/{standard.slug}").get_data(True)
    assert "recent-signers" in standard_page and "Aida Bekova" in standard_page
    for url in (f"/appeals/{risky.slug}", f"/appeals/{risky.slug}/embed"):
        page = client.get(url).get_data(True)
        assert "recent-signers" not in page and "Aida Bekova" not in page, url
    api = client.get(f"/api/v1/appeals/{risky.slug}").get_data(True)
    assert "Aida" not in api


def _countries(client, appeal) -> dict:
    with time_machine.travel(utc(2025, 6, 4, 12), tick=False):
        return client.get(f"/appeals/{appeal.slug}/stats.json").get_json()


def test_at_risk_figures_fold_countries_under_the_threshold(app, client):
    app.config["AT_RISK_COUNTRY_MIN_SIGNATURES"] = 15
    risky = appeal_at(utc(2025, 6, 1, 8), protection="at_risk")
    standard = appeal_at(utc(2025, 6, 1, 8))
    for appeal in (risky, standard):
        for i in range(12):
            signed(appeal, utc(2025, 6, 1, 9, i), "KG")
    data = _countries(client, risky)
    assert data["min_country_size"] == 15
    assert data["countries"] == [{"country": "other", "signatures": 12}]
    with time_machine.travel(utc(2025, 6, 4, 12), tick=False):
        csv = client.get(f"/appeals/{risky.slug}/stats.csv").get_data(True)
    assert "country,KG" not in csv and "country,other,12" in csv
    assert _countries(client, standard)["countries"] == [{"country": "KG", "signatures": 12}]
    # The setting never lowers the threshold below the standard one.
    app.config["AT_RISK_COUNTRY_MIN_SIGNATURES"] = 1
    assert _countries(client, risky)["min_country_size"] == 10


# --- retention -------------------------------------------------------------------------------


def _closed_with_a_signer(make_appeal, db, client, smtp, days_ago: int, n: int, **fields):
    appeal = make_appeal(**fields)
    at_risk = fields.get("protection") == "at_risk"
    sign(client, appeal, email=f"s{n}@example.org", city="" if at_risk else "Bishkek")
    assert client.post(links(deliver(smtp, n)[-1])["confirm"]).status_code == 303
    close_appeal(None, appeal)
    appeal.closed_at = utcnow() - dt.timedelta(days=days_ago)
    db.session.commit()
    return appeal


def test_purge_keeps_each_appeal_for_its_own_period(app, db, client, smtp, runner, make_appeal):
    app.config["DATA_RETENTION_DAYS"] = 365
    app.config["AT_RISK_RETENTION_DAYS"] = 30
    risky_old = _closed_with_a_signer(make_appeal, db, client, smtp, 31, 1, protection="at_risk")
    risky_new = _closed_with_a_signer(make_appeal, db, client, smtp, 20, 2, protection="at_risk")
    risky_own = _closed_with_a_signer(
        make_appeal, db, client, smtp, 31, 3, protection="at_risk", retention_days=60
    )
    standard = _closed_with_a_signer(make_appeal, db, client, smtp, 31, 4)
    short = _closed_with_a_signer(make_appeal, db, client, smtp, 3, 5, retention_days=2)
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0
    assert "Erased personal data of 2 signature(s)." in result.output
    erased = {a.slug: _stored(db, a)[0].email is None for a in (risky_old, risky_new)}
    erased |= {a.slug: _stored(db, a)[0].email is None for a in (risky_own, standard, short)}
    assert erased == {
        risky_old.slug: True,
        risky_new.slug: False,
        risky_own.slug: False,
        standard.slug: False,
        short.slug: True,
    }


# --- campaigners set it ----------------------------------------------------------------------


def test_api_sets_and_validates_protection_and_retention(app, db, client, api_token):
    headers = api_token("admin")  # lowering protection is an admin's (tested below)
    created = client.post(
        "/api/v1/appeals",
        json={"title": "Stop the summons", "protection": "at_risk"},
        headers=headers,
    )
    assert created.status_code == 201, created.get_data(True)
    body = created.get_json()
    assert (body["protection"], body["retention_days"]) == ("at_risk", 30)
    slug = body["slug"]
    changed = client.patch(
        f"/api/v1/appeals/{slug}", json={"retention_days": 90}, headers=headers
    ).get_json()
    assert (changed["protection"], changed["retention_days"]) == ("at_risk", 90)
    back = client.patch(
        f"/api/v1/appeals/{slug}",
        json={"protection": "standard", "retention_days": None},
        headers=headers,
    ).get_json()
    assert (back["protection"], back["retention_days"]) == ("standard", 365)
    for bad in ({"protection": "secret"}, {"retention_days": -1}, {"retention_days": 1.5}):
        refused = client.patch(f"/api/v1/appeals/{slug}", json=bad, headers=headers)
        error = assert_error(refused, 400)
        assert set(bad) <= set(error["fields"]), bad
    appeal = db.session.scalars(sa.select(Appeal).where(Appeal.slug == slug)).one()
    db.session.refresh(appeal)
    assert (appeal.protection, appeal.retention_days) == ("standard", None)


def test_the_openapi_document_describes_protection(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    appeal_in = next(s for name, s in schemas.items() if name.startswith("AppealIn"))
    assert appeal_in["properties"]["protection"]["enum"] == ["standard", "at_risk"]
    assert "retention_days" in appeal_in["properties"]


def test_admin_form_sets_protection_and_retention(app, db, client, login, make_appeal):
    appeal = make_appeal(state="draft")
    login("editor")
    page = client.get(f"/admin/appeals/{appeal.slug}/edit").get_data(True)
    assert 'name="protection"' in page and 'name="retention_days"' in page
    data = {
        "title": appeal.title,
        "summary": "s",
        "body": "b",
        "language": "en",
        "protection": "at_risk",
        "retention_days": "14",
    }
    assert client.post(f"/admin/appeals/{appeal.slug}/edit", data=data).status_code == 302
    db.session.refresh(appeal)
    assert (appeal.protection, appeal.retention_days) == ("at_risk", 14)
    shown = client.get(f"/admin/appeals/{appeal.slug}").get_data(True)
    assert "14 days after closing" in shown
    refused = client.post(f"/admin/appeals/{appeal.slug}/edit", data={**data, "protection": "nope"})
    assert refused.status_code == 400


def test_the_demo_appeal_is_at_risk(app, demo_appeal):
    assert demo_appeal.protection == "at_risk"


# --- /privacy ----------------------------------------------------------------------------------


def test_privacy_page_is_linked_and_shows_the_operators_part_sanitized(app, client, tmp_path):
    assert 'href="/privacy"' in client.get("/").get_data(True)
    page = client.get("/privacy")
    assert page.status_code == 200
    text = page.get_data(True)
    assert "What this site keeps about you" in text
    assert "have not described themselves here yet" in text
    notice = tmp_path / "privacy.md"
    notice.write_text(
        "Run by **Media Action Platform**, Bishkek. <script>alert(1)</script>\n\n"
        "[Write to us](mailto:privacy@example.org)",
        encoding="utf-8",
    )
    app.config["PRIVACY_PAGE_FILE"] = str(notice)
    text = client.get("/privacy").get_data(True)
    assert "<strong>Media Action Platform</strong>" in text
    assert "<script>alert" not in text
    assert "have not described themselves" not in text


def test_privacy_file_is_under_the_instance_folder_by_default(app, client):
    from pathlib import Path

    from campaign.privacy.notice import notice_path

    assert app.config["PRIVACY_PAGE_FILE"] == "privacy.md"
    assert notice_path() == Path(app.instance_path) / "privacy.md"
    client.post("/language", data={"lang": "ky", "next": "/"})
    assert "Бул сайт сиз жөнүндө эмнени" in client.get("/privacy").get_data(True)


def test_only_an_admin_lowers_protection_and_it_is_audited(app, db, client, api_token):
    from campaign.audit.models import AuditEntry

    editor = api_token("editor")
    slug = client.post(
        "/api/v1/appeals", json={"title": "Careful", "protection": "at_risk"}, headers=editor
    ).get_json()["slug"]
    lowered = client.patch(
        f"/api/v1/appeals/{slug}", json={"protection": "standard"}, headers=editor
    )
    assert "protection" in assert_error(lowered, 400)["fields"]
    assert client.get(f"/api/v1/appeals/{slug}", headers=editor).get_json()["protection"] == (
        "at_risk"
    )
    admin = api_token("admin")
    done = client.patch(f"/api/v1/appeals/{slug}", json={"protection": "standard"}, headers=admin)
    assert done.status_code == 200 and done.get_json()["protection"] == "standard"
    # Raising it is anyone's with the editor role.
    raised = client.patch(f"/api/v1/appeals/{slug}", json={"protection": "at_risk"}, headers=editor)
    assert raised.status_code == 200
    db.session.rollback()
    details = db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.action == "appeal.update")
    ).all()
    assert any('"protection": ["at_risk", "standard"]' in d for d in details)
    assert any('"protection": ["standard", "at_risk"]' in d for d in details)
