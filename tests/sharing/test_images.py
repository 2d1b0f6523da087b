"""The share image (card.png) and the QR codes (qr.svg, qr.png)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from campaign.endorsements.organizations import get_or_create_organization
from campaign.sharing import card as card_module
from campaign.signatures.counting import bump_signature_count

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture
def appeal(make_appeal, db):
    org = get_or_create_organization("Коалиция за свободу слова")
    db.session.commit()
    return make_appeal(
        title="Прекратить давление на журналистов Kloop и их семьи",
        issued_by=org,
        signature_goal=1000,
    )


def _png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_card_is_a_1200x630_png(client, appeal):
    response = client.get(f"/appeals/{appeal.slug}/card.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = _png(response.data)
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert "max-age=" in response.headers["Cache-Control"]
    assert response.headers["ETag"]


def test_card_changes_when_the_count_changes(client, db, appeal):
    before = client.get(f"/appeals/{appeal.slug}/card.png")
    again = client.get(f"/appeals/{appeal.slug}/card.png")
    assert again.data == before.data and again.headers["ETag"] == before.headers["ETag"]

    bump_signature_count(appeal.id, 250)
    db.session.commit()
    after = client.get(f"/appeals/{appeal.slug}/card.png")
    assert after.status_code == 200
    assert after.data != before.data
    assert after.headers["ETag"] != before.headers["ETag"]
    assert _png(after.data).size == (1200, 630)


def test_card_is_cached_until_the_numbers_change(client, db, appeal, monkeypatch):
    calls = []
    real_render = card_module.render_card

    def counting_render(*args):
        calls.append(args)
        return real_render(*args)

    monkeypatch.setattr(card_module, "render_card", counting_render)
    for _ in range(3):
        assert client.get(f"/appeals/{appeal.slug}/card.png").status_code == 200
    assert len(calls) == 1
    bump_signature_count(appeal.id)
    db.session.commit()
    client.get(f"/appeals/{appeal.slug}/card.png")
    assert len(calls) == 2


def test_conditional_get_answers_304(client, db, appeal):
    first = client.get(f"/appeals/{appeal.slug}/card.png")
    etag = first.headers["ETag"]
    cached = client.get(f"/appeals/{appeal.slug}/card.png", headers={"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.data == b""
    bump_signature_count(appeal.id)
    db.session.commit()
    fresh = client.get(f"/appeals/{appeal.slug}/card.png", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != etag


def _glyph(font, text: str) -> bytes:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
    return image.tobytes()


def test_card_font_has_cyrillic_glyphs(app):
    assert card_module.FONT_DIR.joinpath("LICENSE").is_file()
    for font in (card_module._font(40), card_module._font(40, bold=True)):
        missing = _glyph(font, "\U000e0001")  # no font has this: draws the .notdef box
        for letter in "ЖщЫӨҮҢ":  # Russian and Kyrgyz letters
            drawn = _glyph(font, letter)
            assert any(drawn), letter
            assert drawn != missing, letter


def test_card_renders_long_cyrillic_titles_within_the_image(client, make_appeal):
    title = "Талаптар " * 31 + "Өкмөттүн жообу"
    appeal = make_appeal(title=title, signature_goal=10)
    response = client.get(f"/appeals/{appeal.slug}/card.png", query_string={"lang": "ru"})
    assert response.status_code == 200
    assert _png(response.data).size == (1200, 630)
    font, lines = card_module._fit_title(title, 1072, max_height=250)
    assert len(lines) * font.size * 1.2 <= 250
    assert lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1072 for line in lines)


def test_wrap_keeps_every_line_within_the_width(app):
    font = card_module._font(64, bold=True)
    lines = card_module.wrap("Очень длинный заголовок " * 6 + "Ы" * 60, font, 1072)
    assert len(lines) > 3
    assert all(font.getlength(line) <= 1072 for line in lines)
    assert "".join(lines).replace(" ", "") == ("Оченьдлинныйзаголовок" * 6 + "Ы" * 60)


def test_qr_svg_is_well_formed_xml(client, appeal):
    response = client.get(f"/appeals/{appeal.slug}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own output, parsed to check it
    assert root.tag == SVG
    assert root.get("viewBox")
    assert "max-age=" in response.headers["Cache-Control"]


def test_qr_png_decodes_to_the_appeal_url(client, appeal):
    response = client.get(f"/appeals/{appeal.slug}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    results = zxingcpp.read_barcodes(_png(response.data))
    assert [r.text for r in results] == [f"http://localhost/appeals/{appeal.slug}?ref=qr"]


def test_qr_follows_base_url(app, client, appeal):
    app.config["BASE_URL"] = "https://answerable.example"
    response = client.get(f"/appeals/{appeal.slug}/qr.png")
    results = zxingcpp.read_barcodes(_png(response.data))
    assert [r.text for r in results] == [f"https://answerable.example/appeals/{appeal.slug}?ref=qr"]
