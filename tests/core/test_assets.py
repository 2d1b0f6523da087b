"""Fast on a slow link: compressed responses, fingerprinted static files cached for a year,
styles in the head, a favicon, and the appeal page within its budget."""

from __future__ import annotations

import gzip
import re
import shutil

import brotli
import pytest
from flask import url_for

#: The demo appeal page's HTML, compressed, must fit in this (issue 17).
PAGE_BUDGET = 12 * 1024


def _stylesheets(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)


def _tokenless(html: str) -> str:
    """The page without its anti-forgery tokens, which are signed with the current second."""
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", html)


def test_html_is_compressed_with_brotli_or_gzip_as_the_client_accepts(client, demo_appeal):
    url = f"/appeals/{demo_appeal.slug}?lang=ru"
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    page = _tokenless(plain.get_data(as_text=True))

    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br.headers["Vary"]
    assert _tokenless(brotli.decompress(br.data).decode()) == page

    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert _tokenless(gzip.decompress(gz.data).decode()) == page


@pytest.mark.parametrize("lang", ["en", "ru", "ky"])
def test_the_demo_appeal_page_fits_the_budget_compressed(client, demo_appeal, lang):
    url = f"/appeals/{demo_appeal.slug}?lang={lang}"
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.status_code == 200
    assert len(gz.data) <= PAGE_BUDGET, f"{len(gz.data)} bytes gzipped"
    br = client.get(url, headers={"Accept-Encoding": "br"})
    assert len(br.data) <= PAGE_BUDGET, f"{len(br.data)} bytes with brotli"


def test_static_urls_are_fingerprinted_and_cached_for_a_year(client, demo_appeal):
    html = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    sheets = _stylesheets(html)
    assert sheets
    for href in sheets:
        assert re.fullmatch(r"/static/css/[a-z]+\.[0-9a-f]{12}\.css", href), href
        response = client.get(href, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        cc = response.headers["Cache-Control"]
        assert "max-age=31536000" in cc and "immutable" in cc and "no-cache" not in cc
        response.close()


def test_html_is_not_immutable(client, demo_appeal):
    for url in ("/", f"/appeals/{demo_appeal.slug}"):
        cc = client.get(url).headers.get("Cache-Control", "")
        assert "immutable" not in cc and "31536000" not in cc


def test_a_stale_or_plain_static_url_still_answers_but_is_not_immutable(client):
    for href in ("/static/css/site.css", "/static/css/site.000000000000.css"):
        response = client.get(href)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")
        response.close()
    assert client.get("/static/css/nothing.0123456789ab.css").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_the_fingerprint_changes_when_the_content_changes(app, tmp_path):
    folder = tmp_path / "static"
    shutil.copytree(app.static_folder, folder)
    app.static_folder = str(folder)
    with app.test_request_context():
        before = url_for("static", filename="css/site.css")
        (folder / "css" / "site.css").write_text("body { color: red }\n")
        after = url_for("static", filename="css/site.css")
    assert before != after
    response = app.test_client().get(after)
    assert response.get_data(as_text=True) == "body { color: red }\n"
    assert "immutable" in response.headers["Cache-Control"]
    assert "immutable" not in app.test_client().get(before).headers.get("Cache-Control", "")


def test_favicon_answers_and_pages_link_an_icon(client, demo_appeal):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get(f"/appeals/{demo_appeal.slug}").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon and client.get(icon[1]).status_code == 200


@pytest.mark.parametrize(
    "url", ["/", "/appeals/{slug}", "/appeals/{slug}/tracker", "/authorities", "/privacy"]
)
def test_styles_are_in_the_head(client, demo_appeal, url):
    html = client.get(url.format(slug=demo_appeal.slug)).get_data(as_text=True)
    body = html.split("<body", 1)[1]
    assert '<link rel="stylesheet"' not in body
