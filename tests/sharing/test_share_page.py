"""The appeal page's meta tags, share links, copy field and embed snippet."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from campaign.sharing.links import known_ref
from tests.sharing.helpers import meta, tags


@pytest.fixture
def appeal(make_appeal):
    return make_appeal(title="Free the reporters", summary="Release them now & drop charges.")


def test_meta_tags_carry_absolute_urls(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    found = meta(html)
    page = f"http://localhost/appeals/{appeal.slug}"
    canonical = f"{page}?lang=en"
    assert found["og:type"] == "article"
    assert found["og:title"] == "Free the reporters"
    assert found["og:description"] == "Release them now & drop charges."
    assert found["og:url"] == canonical
    assert found["og:image"] == f"{page}/card.png?lang=en"
    assert found["og:image:width"] == "1200" and found["og:image:height"] == "630"
    assert found["og:locale"] == "en_US"
    assert found["twitter:card"] == "summary_large_image"
    assert found["twitter:image"] == f"{page}/card.png?lang=en"
    assert {"rel": "canonical", "href": canonical} in tags(html, "link")
    # The image the tags point to is really there.
    image = client.get(urlsplit(found["og:image"]).path)
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_meta_urls_follow_base_url_and_locale_follows_the_page(app, client, appeal):
    app.config["BASE_URL"] = "https://answerable.example"
    html = client.get(f"/appeals/{appeal.slug}?lang=ru").get_data(as_text=True)
    found = meta(html)
    assert found["og:url"] == f"https://answerable.example/appeals/{appeal.slug}?lang=ru"
    assert found["og:image"].startswith("https://answerable.example/appeals/")
    assert found["og:locale"] == "ru_RU"


def test_long_summary_is_shortened_in_the_description(client, make_appeal):
    appeal = make_appeal(summary="word " * 200)
    found = meta(client.get(f"/appeals/{appeal.slug}").get_data(as_text=True))
    assert len(found["og:description"]) <= 300
    assert found["og:description"].endswith("…")


def test_share_links_carry_their_channel_as_ref(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    canonical = f"http://localhost/appeals/{appeal.slug}"
    links = {a["data-channel"]: a["href"] for a in tags(html, "a") if "data-channel" in a}
    assert set(links) == {"telegram", "whatsapp", "facebook", "x", "vk", "email"}
    hosts = {channel: urlsplit(href).netloc for channel, href in links.items()}
    assert hosts == {
        "telegram": "t.me",
        "whatsapp": "wa.me",
        "facebook": "www.facebook.com",
        "x": "x.com",
        "vk": "vk.com",
        "email": "",
    }
    for channel, href in links.items():
        params = parse_qs(urlsplit(href).query)
        values = " ".join(v for vs in params.values() for v in vs)
        assert f"{canonical}?lang=en&ref={channel}" in values, (channel, href)
    assert links["email"].startswith("mailto:?")
    # Plain links only: no widget or script from another host.
    scripts = tags(html, "script")
    assert scripts, "share.js is expected"
    for script in scripts:
        assert script.get("src", "").startswith("/static/"), script


def test_copy_link_works_without_javascript(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    field = next(i for i in tags(html, "input") if i.get("id") == "share-copy-url")
    assert "readonly" in field
    assert field["value"] == f"http://localhost/appeals/{appeal.slug}?lang=en&ref=copy"
    assert '<label for="share-copy-url">' in html


def test_embed_snippet_and_qr_links_are_on_the_page(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    embed_src = f"http://localhost/appeals/{appeal.slug}/embed"
    # The snippet is shown as text (escaped), ready to copy.
    assert f"&lt;iframe src=&#34;{embed_src}&#34;" in html
    assert "<iframe" not in html
    hrefs = [a.get("href") for a in tags(html, "a")]
    assert f"http://localhost/appeals/{appeal.slug}/qr.svg" in hrefs
    assert f"http://localhost/appeals/{appeal.slug}/qr.png" in hrefs


def test_a_title_with_markup_is_escaped_everywhere(client, make_appeal):
    appeal = make_appeal(title='Stop "this" <b>now</b>')
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert "<b>now</b>" not in html
    assert meta(html)["og:title"] == 'Stop "this" <b>now</b>'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("telegram", "telegram"),
        (" WhatsApp ", "whatsapp"),
        ("x", "x"),
        ("vk", "vk"),
        ("email", "email"),
        ("copy", "copy"),
        ("embed", "embed"),
        ("qr", "qr"),
        ("facebook", "facebook"),
        ("<script>alert(1)</script>", "other"),
        ("twitter", "other"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_known_ref(value, expected):
    assert known_ref(value) == expected


def test_an_unknown_ref_is_never_echoed_unescaped(client, appeal):
    html = client.get(
        f"/appeals/{appeal.slug}", query_string={"ref": "<script>alert(1)</script>"}
    ).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
