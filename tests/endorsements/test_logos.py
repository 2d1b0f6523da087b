"""Logos: only PNG, JPEG or WebP up to 2 MB, re-encoded by Pillow; a refused file leaves
nothing behind, on disk or in the database."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from campaign.endorsements import logos
from campaign.endorsements.models import Endorsement, Organization
from campaign.mail.models import OutboxMessage
from tests.endorsements.helpers import endorse, image_bytes, png


def _files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [str(p) for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _stored(db) -> tuple[int, int, int]:
    def count(model):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))

    return count(Endorsement), count(Organization), count(OutboxMessage)


def _jpeg_with_metadata(size=(1200, 900)) -> bytes:
    image = Image.new("RGB", size, (30, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x8825] = {2: (42.0, 52.0, 1.0)}  # GPS info
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"private comment")
    return out.getvalue()


def test_a_logo_is_reencoded_resized_stripped_and_served_safely(app, client, db, demo_appeal):
    response = endorse(client, demo_appeal.slug, logo=_jpeg_with_metadata(), filename="l.jpg")
    assert response.status_code == 302
    organization = db.session.execute(
        sa.select(Organization).where(Organization.name == "Kloop Media")
    ).scalar_one()
    assert logos.NAME_PATTERN.match(organization.logo)
    [path] = _files(app)
    assert os.path.basename(path) == organization.logo
    data = Path(path).read_bytes()
    assert b"SecretCameraMaker" not in data and b"private comment" not in data
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "PNG"
        assert stored.size == (400, 400)  # fitted into a transparent square
        assert stored.getpixel((200, 10))[3] == 0 and stored.getpixel((200, 200))[3] == 255
        assert not stored.getexif() and "exif" not in stored.info

    served = client.get(f"/organizations/logos/{organization.logo}")
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.data == data
    served.close()


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_logos_are_accepted(app, client, db, demo_appeal, fmt):
    mode = "RGBA" if fmt == "PNG" else "RGB"
    response = endorse(client, demo_appeal.slug, logo=image_bytes(fmt, mode=mode))
    assert response.status_code == 302
    assert len(_files(app)) == 1


def _bomb() -> bytes:
    # 144 megapixels of a 1-bit image compress to a few kilobytes.
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    return out.getvalue()


BAD_LOGOS = {
    "gif": (lambda: image_bytes("GIF"), "must be a PNG, JPEG or WebP"),
    "svg": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "must be a PNG, JPEG or WebP",
    ),
    "too-big": (lambda: png() + os.urandom(2 * 1024 * 1024), "at most 2 MB"),
    "png-header-on-text": (
        lambda: b"\x89PNG\r\n\x1a\n" + b"<?php system($_GET['c']); ?>" * 20,
        "must be a PNG, JPEG or WebP",
    ),
    "truncated-png": (lambda: png()[:60], "must be a PNG, JPEG or WebP"),
    "decompression-bomb": (_bomb, "too large"),
}


@pytest.mark.parametrize("case", sorted(BAD_LOGOS))
def test_bad_logo_files_are_refused_and_leave_nothing_behind(app, client, db, demo_appeal, case):
    make, message = BAD_LOGOS[case]
    before = _stored(db)
    response = endorse(client, demo_appeal.slug, logo=make(), filename=f"logo.{case}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="logo-error"' in page and message in page
    assert 'value="Kloop Media"' in page  # the other values are kept
    assert _files(app) == []
    assert _stored(db) == before


def test_pillows_bomb_warning_is_a_refusal_too(app, client, db, demo_appeal, monkeypatch):
    monkeypatch.setattr(logos, "MAX_PIXELS", 10**12)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2000)  # a 64x48 image now warns
    response = endorse(client, demo_appeal.slug, logo=png())
    assert response.status_code == 400
    assert "too large" in response.get_data(as_text=True)
    assert _files(app) == []


def test_a_logo_saved_in_a_transaction_that_fails_is_removed(app, db, demo_appeal):
    with app.test_request_context():  # messages and links are built for a request
        _save_in_failing_then_committed_transactions(db, demo_appeal, app)


def _save_in_failing_then_committed_transactions(db, demo_appeal, app):
    from campaign.endorsements.inputs import EndorsementInput
    from campaign.endorsements.services import submit_endorsement

    data = EndorsementInput(
        organization_name="Rolled Back",
        signatory_name="Someone",
        contact_email="someone@example.org",
        logo=logos.read_logo(io.BytesIO(png())),
    )
    submit_endorsement(demo_appeal, data, address="127.0.0.1")
    assert len(_files(app)) == 1
    db.session.rollback()  # as when the commit fails
    assert _files(app) == []

    data.organization_name = "Committed"
    data.logo = logos.read_logo(io.BytesIO(png()))
    submit_endorsement(demo_appeal, data, address="127.0.0.1")
    db.session.commit()
    assert len(_files(app)) == 1


def test_an_existing_logo_is_never_replaced_by_a_submitter(app, client, db, demo_appeal):
    assert endorse(client, demo_appeal.slug, logo=png(color=(1, 2, 3))).status_code == 302
    first = _files(app)
    assert endorse(client, demo_appeal.slug, logo=png(color=(9, 9, 9))).status_code == 302
    assert _files(app) == first


@pytest.mark.parametrize("name", ["..%2Fsecret_key", "x.svg", "0" * 32 + ".html", "abc.png"])
def test_only_stored_logo_names_are_served(client, name):
    assert client.get(f"/organizations/logos/{name}").status_code == 404


def test_a_public_organization_is_not_completed_by_an_unconfirmed_submitter(
    app, client, db, demo_appeal, make_appeal, login
):
    login("editor")
    form = {"organization_name": "Public Org", "kind": "ngo", "signatory_name": "Ann"}
    client.post(f"/admin/appeals/{demo_appeal.slug}/endorsements/add", data=form)
    other = make_appeal()
    response = endorse(
        client, other.slug, organization_name="Public Org", website="evil.example", logo=png()
    )
    assert response.status_code == 302
    organization = db.session.execute(
        sa.select(Organization).where(Organization.name == "Public Org")
    ).scalar_one()
    assert organization.logo is None and organization.website is None
    assert _files(app) == []
