"""Names in every language (issue 17): authorities and organizations in the page's language
with the default name as a fallback marked with its language; the API's `names`; an appeal's
default country preselected; campaigners' names for countries."""

from __future__ import annotations

import re

import pytest

from campaign.appeals.demo import AUTHORITIES, SCNS
from campaign.core.extensions import db
from campaign.names.services import set_country_name

SCNS_RU = "Государственный комитет национальной безопасности Кыргызской Республики"
SCNS_KY = "Кыргыз Республикасынын Улуттук коопсуздук мамлекеттик комитети"
SCNS_EN = "State Committee for National Security of the Kyrgyz Republic"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize(("lang", "name"), [("ru", SCNS_RU), ("ky", SCNS_KY)])
def test_appeal_page_names_authorities_and_issuer_in_the_page_language(
    client, demo_appeal, lang, name
):
    html = client.get(f"/appeals/{demo_appeal.slug}?lang={lang}").get_data(as_text=True)
    assert f'<span class="authority">{name}</span>' in html
    assert SCNS_EN not in html
    assert "Media Action Platform of Kyrgyzstan" not in html
    tracker = client.get(f"/appeals/{demo_appeal.slug}/tracker?lang={lang}").get_data(True)
    assert name in tracker and SCNS_EN not in tracker
    page = client.get(f"/authorities/{SCNS}?lang={lang}").get_data(as_text=True)
    assert f"<h1>{name}</h1>" in page


def test_a_missing_translation_falls_back_to_the_default_name_marked_with_its_language(
    client, demo_appeal
):
    from campaign.authorities.queries import get_authority_by_slug

    authority = get_authority_by_slug(AUTHORITIES)
    authority.names = {"ru": "Власти Кыргызской Республики"}  # no Kyrgyz name
    db.session.commit()
    ky = client.get(f"/appeals/{demo_appeal.slug}?lang=ky").get_data(as_text=True)
    assert (
        '<span class="authority"><span lang="en">Authorities of the Kyrgyz Republic</span></span>'
        in ky
    )
    ru = client.get(f"/appeals/{demo_appeal.slug}?lang=ru").get_data(as_text=True)
    assert '<span class="authority">Власти Кыргызской Республики</span>' in ru
    en = client.get(f"/appeals/{demo_appeal.slug}?lang=en").get_data(as_text=True)
    assert '<span class="authority">Authorities of the Kyrgyz Republic</span>' in en
    assert 'lang="en">Authorities' not in en  # the page's own language needs no mark


def test_organization_page_names_it_and_its_appeals_in_the_page_language(client, demo_appeal):
    slug = demo_appeal.issued_by.slug
    html = client.get(f"/organizations/{slug}?lang=ru").get_data(as_text=True)
    assert "<h1>Платформа медиадействий Кыргызстана</h1>" in html
    assert "Stop the pressure on Kloop" not in html  # the appeal's Russian title instead
    authority = client.get(f"/authorities/{SCNS}?lang=ky").get_data(as_text=True)
    assert "Stop the pressure on Kloop" not in authority


def test_api_gives_names_and_localizes_name_by_lang(client, demo_appeal):
    data = client.get(f"/api/v1/appeals/{demo_appeal.slug}?lang=ru").get_json()
    authority = data["demands"][0]["targets"][0]["authority"]
    assert authority["names"]["ky"]
    assert authority["name"] == authority["names"]["ru"]
    assert data["issued_by"]["name"] == "Платформа медиадействий Кыргызстана"
    en = client.get(f"/api/v1/appeals/{demo_appeal.slug}?lang=en").get_json()
    assert en["issued_by"]["name"] == "Media Action Platform of Kyrgyzstan"
    record = client.get(f"/api/v1/authorities/{SCNS}?lang=ky").get_json()
    assert record["name"] == SCNS_KY and record["names"]["ru"] == SCNS_RU


def test_api_sets_names_on_post_and_patch(client, api_token):
    headers = api_token("editor")
    created = client.post(
        "/api/v1/authorities",
        json={"name": "Ministry of Justice", "names": {"ru": "Министерство юстиции"}},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    slug = created.get_json()["slug"]
    assert created.get_json()["names"] == {"ru": "Министерство юстиции"}
    patched = client.patch(
        f"/api/v1/authorities/{slug}",
        json={"names": {"ru": "Министерство юстиции", "ky": "Юстиция министрлиги", "xx": "?"}},
        headers=headers,
    )
    assert patched.status_code == 200
    names = patched.get_json()["names"]
    assert names == {"ru": "Министерство юстиции", "ky": "Юстиция министрлиги"}
    bad = client.patch(
        f"/api/v1/authorities/{slug}", json={"names": {"ru": "x" * 301}}, headers=headers
    )
    assert bad.status_code in (400, 422)
    assert "error" in bad.get_json()


def test_admin_form_sets_names(client, login, make_authority):
    authority = make_authority("Supreme Court")
    login("editor")
    page = client.get(f"/admin/authorities/{authority.slug}/edit").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = client.post(
        f"/admin/authorities/{authority.slug}/edit",
        data={
            "csrf_token": token[1],
            "name": "Supreme Court",
            "kind": "court",
            "name_ru": "Верховный суд",
            "name_ky": "Жогорку сот",
            "language": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(authority)
    assert authority.names == {"ru": "Верховный суд", "ky": "Жогорку сот"}


def test_admin_names_an_organization_and_its_page_follows(client, login, demo_appeal):
    organization = demo_appeal.issued_by
    login("moderator")
    url = f"/admin/organizations/{organization.slug}/names"
    assert client.get(url).status_code == 403
    login("editor")
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    response = client.post(url, data={
        "csrf_token": token[1], "name_ru": "Медиа-платформа", "name_ky": "",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(f"/organizations/{organization.slug}?lang=ru").get_data(as_text=True)
    assert "<h1>Медиа-платформа</h1>" in html
    kyrgyz = client.get(f"/organizations/{organization.slug}?lang=ky").get_data(as_text=True)
    assert f'lang="en">{organization.name}<' in kyrgyz  # no Kyrgyz name: the default, marked
    too_long = client.post(url, data={"csrf_token": token[1], "name_ru": "x" * 301})
    assert too_long.status_code == 400


def _selected_country(html: str) -> str | None:
    select = re.search(r'<select[^>]*name="country".*?</select>', html, re.S)[0]
    options = re.findall(r'<option([^>]*)value="([^"]*)"([^>]*)>([^<]*)</option>', select)
    selected = [value for before, value, after, _ in options if "selected" in before + after]
    return options[0][1], (selected[0] if selected else None)


def test_default_country_is_first_and_preselected_and_named_as_campaigners_say(client, demo_appeal):
    html = client.get(f"/appeals/{demo_appeal.slug}?lang=ru").get_data(as_text=True)
    first, selected = _selected_country(html)
    assert first == "KG" and selected == "KG"
    assert ">Кыргызстан</option>" in html
    assert "Киргизия" not in html


def test_without_a_default_country_the_form_asks_to_choose(client, make_appeal):
    appeal = make_appeal()
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    first, selected = _selected_country(html)
    assert first == "" and selected is None


def test_a_country_name_override_shows_in_the_form_and_among_signers(app, client, make_appeal):
    appeal = make_appeal(protection="standard")
    set_country_name(None, "KG", "ru", "Кыргызстан")
    db.session.commit()
    html = client.get(f"/appeals/{appeal.slug}?lang=ru").get_data(as_text=True)
    assert 'value="KG">Кыргызстан</option>' in html
    with app.test_request_context("/?lang=ru"):
        from campaign.core.countries import country_name

        assert country_name("KG") == "Кыргызстан"
        set_country_name(None, "KG", "ru", "")  # back to CLDR's
        assert country_name("KG") == "Киргизия"


def test_country_name_rules(app):
    from campaign.core.validation import InvalidInput

    with pytest.raises(InvalidInput):
        set_country_name(None, "XX", "ru", "Нигде")
    with pytest.raises(InvalidInput):
        set_country_name(None, "KG", "de", "Kirgisistan")


def test_my_data_page_says_confirmed_in_the_page_language(app):
    from flask_babel import force_locale

    from campaign.core.labels import label

    with app.test_request_context(), force_locale("ru"):
        assert label("confirmed") == "Подтверждено"
    with app.test_request_context(), force_locale("ky"):
        assert label("pending") != "Pending confirmation"


def test_api_sets_an_appeals_default_country(client, api_token, make_appeal):
    appeal = make_appeal()
    headers = api_token("editor")
    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}", json={"default_country": "kg"}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["default_country"] == "KG"
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert _selected_country(html) == ("KG", "KG")
    bad = client.patch(
        f"/api/v1/appeals/{appeal.slug}", json={"default_country": "XX"}, headers=headers
    )
    assert bad.status_code in (400, 422) and "error" in bad.get_json()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]


def test_admin_names_a_country_and_the_sign_form_follows(client, login, make_appeal):
    appeal = make_appeal(default_country="KG")
    login("editor")
    page = client.get("/admin/countries").get_data(as_text=True)
    response = client.post(
        "/admin/countries",
        data={"csrf_token": _csrf(page), "country": "KG", "language": "ru", "name": "Кыргызстан"},
    )
    assert response.status_code == 302
    assert "Кыргызстан" in client.get("/admin/countries").get_data(as_text=True)
    html = client.get(f"/appeals/{appeal.slug}?lang=ru").get_data(as_text=True)
    assert 'value="KG" selected>Кыргызстан</option>' in html or (
        _selected_country(html) == ("KG", "KG") and ">Кыргызстан</option>" in html
    )
    bad = client.post(
        "/admin/countries",
        data={"csrf_token": _csrf(page), "country": "XX", "language": "ru", "name": "Нигде"},
    )
    assert bad.status_code == 400


def test_admin_appeal_form_sets_the_default_country(client, login, make_appeal):
    appeal = make_appeal(state="draft")
    login("editor")
    page = client.get(f"/admin/appeals/{appeal.slug}/edit").get_data(as_text=True)
    assert 'name="default_country"' in page


def test_a_country_name_override_shows_in_the_stats(app, client, login):
    from tests.dashboard.test_stats import appeal_at, signed, utc

    appeal = appeal_at(utc(2025, 6, 1, 8), title="Free the press")
    signed(appeal, utc(2025, 6, 1, 9), "KG", "telegram")
    set_country_name(None, "KG", "ru", "Кыргызстан")
    db.session.commit()
    login("moderator")
    page = client.get(f"/admin/appeals/{appeal.slug}/stats?lang=ru").get_data(as_text=True)
    assert "Кыргызстан <small>KG</small>" in page
    assert "Киргизия" not in page
