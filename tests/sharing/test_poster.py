"""The printable poster: title, demands and count in the page's language, and a QR code of
the appeal's address with ref=poster and the language."""

from __future__ import annotations

import re

import pytest

from campaign.appeals.translations import save_translation
from campaign.core.extensions import db
from campaign.sharing.qr import qr_svg
from tests.factories import markdown
from tests.sharing.helpers import tags


@pytest.fixture
def appeal(make_appeal):
    appeal = make_appeal("Free the reporters", demands=["Release them", "Drop the charges"])
    save_translation(
        None,
        appeal,
        "ky",
        title="Журналисттерди бошоткула",
        summary="Кыскача.",
        body=markdown("Текст."),
        demands={appeal.demands[0].id: "Аларды бошоткула", appeal.demands[1].id: "Айыпты алгыла"},
    )
    db.session.commit()
    return appeal


def _inline_qr(url: str) -> str:
    svg = qr_svg(url).decode()
    return svg[svg.index("<svg") :]


def test_poster_shows_title_demands_count_and_qr(client, appeal):
    response = client.get(f"/appeals/{appeal.slug}/poster")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Free the reporters" in html
    assert "Release them" in html and "Drop the charges" in html
    assert "0</strong> signatures" in html
    url = f"http://localhost/appeals/{appeal.slug}?lang=en&ref=poster"
    assert url.replace("&", "&amp;") in html  # printed under the code, for typing in
    assert _inline_qr(url) in html  # the code encodes exactly that address
    assert any(
        re.search(r"/css/poster\.[0-9a-f]{12}\.css$", s.get("href", "")) for s in tags(html, "link")
    )


def test_poster_in_kyrgyz(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}/poster?lang=ky").get_data(as_text=True)
    assert '<html lang="ky">' in html
    assert "Журналисттерди бошоткула" in html
    assert "Аларды бошоткула" in html and "Free the reporters" not in html
    assert "Биз талап кылабыз" in html
    url = f"http://localhost/appeals/{appeal.slug}?lang=ky&ref=poster"
    assert _inline_qr(url) in html


def test_the_share_panel_links_to_the_poster_in_its_language(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}?lang=ky").get_data(as_text=True)
    hrefs = [a.get("href") for a in tags(html, "a")]
    assert f"http://localhost/appeals/{appeal.slug}/poster?lang=ky" in hrefs


def test_a_signature_from_the_poster_is_counted_under_its_channel(client, appeal):
    from campaign.sharing.links import known_ref
    from campaign.signatures.services import clean_ref

    assert clean_ref("poster") == "poster"
    assert known_ref("poster") == "poster"


def test_draft_poster_is_404(client, make_appeal):
    draft = make_appeal(state="draft")
    assert client.get(f"/appeals/{draft.slug}/poster").status_code == 404


def test_untranslated_text_is_marked_with_its_language(client, appeal):
    html = client.get(f"/appeals/{appeal.slug}/poster?lang=ru").get_data(as_text=True)
    assert '<h1 class="poster-title" lang="en">Free the reporters</h1>' in html
    assert "Мы требуем" in html
