"""The interface language follows the browser, can be switched on every page with the form,
is remembered in a cookie, and an unknown code falls back to English."""

from __future__ import annotations

import re

HTML_LANG = re.compile(r'<html lang="(\w+)"')


def _lang(response) -> str:
    return HTML_LANG.search(response.get_data(as_text=True)).group(1)


def test_a_russian_browser_gets_russian_pages(client, db, demo_appeal):
    demo_appeal.signature_goal = (
        5000  # the demo has none (the source sets none); grouping needs one
    )
    db.session.commit()
    headers = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
    home = client.get("/", headers=headers)
    assert _lang(home) == "ru"
    text = home.get_data(as_text=True)
    assert "<h2>Обращения</h2>" in text
    assert "Прекратить давление на Kloop и его сотрудников" in text

    page = client.get(f"/appeals/{demo_appeal.slug}", headers=headers).get_data(as_text=True)
    assert "<h2>Требования</h2>" in page
    assert "Выполнено 0 из 4 требований" in page
    # Numbers are grouped the Russian way (a no-break space), not with a comma.
    assert "из цели в 5\xa0000" in page and "5,000" not in page


def test_switching_with_the_form_is_remembered(client, demo_appeal):
    path = f"/appeals/{demo_appeal.slug}"
    assert "Demands" in client.get(path).get_data(as_text=True)
    response = client.post("/language", data={"lang": "ky", "next": path})
    assert response.status_code == 302 and response.headers["Location"] == path
    assert "lang=ky" in response.headers["Set-Cookie"]

    # Remembered across pages, and over the browser's own preference.
    page = client.get(path, headers={"Accept-Language": "ru"})
    assert _lang(page) == "ky"
    assert "<h2>Талаптар</h2>" in page.get_data(as_text=True)
    assert "<h2>Кайрылуулар</h2>" in client.get("/").get_data(as_text=True)


def test_every_page_has_the_switcher(client, demo_appeal):
    for path in ("/", f"/appeals/{demo_appeal.slug}", f"/appeals/{demo_appeal.slug}/tracker"):
        text = client.get(path).get_data(as_text=True)
        assert 'action="/language"' in text and 'value="ky"' in text, path


def test_an_unknown_language_falls_back_to_english(client, demo_appeal):
    page = client.get(f"/appeals/{demo_appeal.slug}?lang=xx")
    assert page.status_code == 200 and _lang(page) == "en"
    assert "<h2>Demands</h2>" in page.get_data(as_text=True)
    assert "Stop the pressure on Kloop" in page.get_data(as_text=True)

    # An unknown code in the form sets nothing and still goes back.
    response = client.post("/language", data={"lang": "xx", "next": "/"})
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
    assert _lang(client.get("/", headers={"Accept-Language": "xx, de"})) == "en"


def test_an_unknown_query_language_keeps_the_remembered_one(client):
    client.post("/language", data={"lang": "ru", "next": "/"})
    assert _lang(client.get("/?lang=xx")) == "ru"


def test_the_form_refuses_to_redirect_elsewhere(client):
    response = client.post("/language", data={"lang": "ru", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def test_dates_follow_the_language(client, demo_appeal):
    page = client.get(f"/appeals/{demo_appeal.slug}", headers={"Accept-Language": "ru"})
    assert "30 мая 2025" in page.get_data(as_text=True)


def test_switching_from_a_page_read_with_lang_drops_it(client):
    response = client.post("/language", data={"lang": "ky", "next": "/appeals/x?lang=en&ref=qr"})
    assert response.headers["Location"] == "/appeals/x?ref=qr"
    assert (
        client.post("/language", data={"lang": "ru", "next": "/\\evil.example"}).headers["Location"]
        == "/"
    )
