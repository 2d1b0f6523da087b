"""Sharing in the reader's language: what a Russian or Kyrgyz page hands to messengers (text,
card, og tags) and the shared address, which opens the appeal in that same language."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from campaign.appeals.translations import save_translation
from campaign.core.extensions import db
from tests.factories import markdown
from tests.sharing.helpers import meta, tags

TITLES = {"en": "Stop the summonses", "ru": "Прекратите вызовы", "ky": "Чакырууларды токтоткула"}


@pytest.fixture
def appeal(make_appeal):
    appeal = make_appeal(TITLES["en"], summary="Short.")
    for lang in ("ru", "ky"):
        save_translation(
            None,
            appeal,
            lang,
            title=TITLES[lang],
            summary=f"Summary {lang}.",
            body=markdown(f"Body {lang}."),
            demands={d.id: f"{lang} demand {d.position}" for d in appeal.demands},
        )
    db.session.commit()
    return appeal


def _share_links(html: str) -> dict[str, str]:
    return {a["data-channel"]: a["href"] for a in tags(html, "a") if "data-channel" in a}


def _shared_address(href: str) -> str:
    """The appeal's address inside a network's share link."""
    params = parse_qs(urlsplit(href).query)
    for value in (v for vs in params.values() for v in vs):
        for word in value.split():
            if "/appeals/" in word:
                return word
    raise AssertionError(href)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_meta_tags_are_in_the_page_language(client, appeal, lang):
    html = client.get(f"/appeals/{appeal.slug}?lang={lang}").get_data(as_text=True)
    found = meta(html)
    page = f"http://localhost/appeals/{appeal.slug}"
    assert found["og:title"] == TITLES[lang]
    assert found["og:description"] == f"Summary {lang}."
    assert found["og:url"] == f"{page}?lang={lang}"
    assert found["og:image"] == f"{page}/card.png?lang={lang}"
    assert found["twitter:image"] == found["og:image"]
    locales = {"ru": "ru_RU", "ky": "ky_KG"}
    assert found["og:locale"] == locales[lang]
    alternates = [
        m["content"] for m in tags(html, "meta") if m.get("property") == "og:locale:alternate"
    ]
    assert sorted(alternates) == sorted({"en_US", "ru_RU", "ky_KG"} - {locales[lang]})


def test_the_card_in_the_tags_is_drawn_in_that_language(client, appeal):
    cards = {}
    for lang in ("en", "ky"):
        html = client.get(f"/appeals/{appeal.slug}?lang={lang}").get_data(as_text=True)
        url = urlsplit(meta(html)["og:image"])
        # A messenger fetches the image without the reader's cookie or Accept-Language.
        client.delete_cookie("lang")
        response = client.get(f"{url.path}?{url.query}")
        assert response.status_code == 200 and response.mimetype == "image/png"
        cards[lang] = response.data
    assert cards["en"] != cards["ky"]


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_share_links_carry_language_ref_and_translated_text(client, appeal, lang):
    html = client.get(f"/appeals/{appeal.slug}?lang={lang}").get_data(as_text=True)
    found = _share_links(html)
    assert next(iter(found)) == "telegram", "Telegram comes first on ru and ky pages"
    for channel, href in found.items():
        shared = urlsplit(_shared_address(href))
        assert parse_qs(shared.query) == {"lang": [lang], "ref": [channel]}, href
    telegram = parse_qs(urlsplit(found["telegram"]).query)
    assert telegram["text"] == [TITLES[lang]]
    assert TITLES[lang] in parse_qs(urlsplit(found["whatsapp"]).query)["text"][0]
    assert parse_qs(urlsplit(found["email"]).query)["subject"] == [TITLES[lang]]
    copy = next(i for i in tags(html, "input") if i.get("id") == "share-copy-url")
    assert parse_qs(urlsplit(copy["value"]).query) == {"lang": [lang], "ref": ["copy"]}


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_a_friend_opening_the_shared_link_reads_the_same_language(app, appeal, lang):
    sharer = app.test_client()
    html = sharer.get(f"/appeals/{appeal.slug}?lang={lang}").get_data(as_text=True)
    shared = urlsplit(_shared_address(_share_links(html)["telegram"]))
    friend = app.test_client()  # no cookie; the browser asks for English
    answer = friend.get(f"{shared.path}?{shared.query}", headers={"Accept-Language": "en"})
    page = answer.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert TITLES[lang] in page
    # The channel reaches the form, so the signature is counted under it.
    field = next(i for i in tags(page, "input") if i.get("name") == "ref")
    assert field["value"] == "telegram"
