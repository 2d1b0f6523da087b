"""Campaigners' pages: recording a response with a document, statuses, due dates, updates;
bad input shown beside the fields with nothing stored; documents served safely."""

from __future__ import annotations

import io
import os

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from campaign.appeals.demo import AUTHORITIES, DEMO_SLUG, SCNS
from campaign.appeals.models import DueDateChange, Update
from campaign.mail.models import Mailing
from campaign.responses.models import Response, StatusChange

BASE = f"/admin/appeals/{DEMO_SLUG}/responses"
NEW = f"{BASE}/new?authority={SCNS}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png_with_metadata() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "secret location 42.87N")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "blue")
    exif = image.getexif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (42.0, 52.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _form(demo_appeal, **changes):
    """Step 2 for the State Committee: demand 1 rejected, demand 3 concerned without a change.
    In `changes`, D1..D4 in a name stand for the demands' ids; None leaves a field out."""
    ids = {f"D{d.position}": str(d.id) for d in demo_appeal.demands}
    d1, d3 = ids["D1"], ids["D3"]
    data = {
        "occurred_on": "2025-06-05",
        "kind": "official_letter",
        "summary": "The Committee denies any pressure on Kloop.",
        "source_url": "https://example.org/letter",
        f"status_{d1}": "rejected",
        f"note_{d1}": "Denies the facts.",
        f"concerns_{d3}": "y",
    }
    for name, value in changes.items():
        for key, demand_id in ids.items():
            name = name.replace(key, demand_id)
        data[name] = value
    return {name: value for name, value in data.items() if value is not None}


def _post_form(client, url: str, data: dict):
    """POST multipart encoded in memory (the test client spools big bodies to a temp file
    that it never closes, which pytest reports as a ResourceWarning)."""
    values = MultiDict()
    for key, value in data.items():
        if isinstance(value, tuple):
            value = FileStorage(stream=value[0], filename=value[1])
        for item in value if isinstance(value, list) else [value]:
            values.add(key, item)
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _stored(db) -> tuple[int, int]:
    return (
        db.session.scalar(sa.select(sa.func.count(Response.id))),
        db.session.scalar(sa.select(sa.func.count(StatusChange.id))),
    )


def _documents(app) -> list[str]:
    folder = os.path.join(app.config["UPLOAD_FOLDER"], "documents")
    return os.listdir(folder) if os.path.isdir(folder) else []


def test_editor_records_a_response_with_a_pdf_and_a_status(app, db, client, login, demo_appeal):
    login("editor")
    page = client.get(BASE)
    assert page.status_code == 200 and "Record a response" in page.get_data(as_text=True)
    data = _form(demo_appeal, document=(io.BytesIO(PDF), "letter.pdf"))
    response = client.post(NEW, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    row = db.session.scalars(sa.select(Response)).one()
    assert row.document.endswith(".pdf") and row.document_type == "application/pdf"
    assert sorted(d.position for d in row.demands) == [1, 3]
    [change] = db.session.scalars(sa.select(StatusChange)).all()
    assert (change.to_status, change.note, change.response_id) == (
        "rejected",
        "Denies the facts.",
        row.id,
    )

    with client.get(f"/documents/{row.document}") as served:
        served.get_data()
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/documents/..%2Fsecret_key").status_code == 404
    assert client.get("/documents/aaaaaaaaaaaaaaaaaaaaaaaa.pdf").status_code == 404


@pytest.mark.parametrize("maker", [_png_with_metadata, _jpeg_with_exif])
def test_images_are_reencoded_without_metadata(app, db, client, login, demo_appeal, maker):
    login("editor")
    original = maker()
    data = _form(demo_appeal, document=(io.BytesIO(original), "photo.bin"))
    assert client.post(NEW, data=data, content_type="multipart/form-data").status_code == 302
    row = db.session.scalars(sa.select(Response)).one()
    with client.get(f"/documents/{row.document}") as served:
        served.get_data()
    assert served.status_code == 200
    assert "attachment" not in served.headers.get("Content-Disposition", "")
    assert served.headers["Content-Type"] in ("image/png", "image/jpeg")
    assert b"secret location" not in served.data and b"PhoneMaker" not in served.data
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()
        assert "Author" not in image.info


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"source_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"status_D1": None, "note_D1": None, "concerns_D3": None}, "at least one demand"),
        ({"status_D1": "overdue"}, "Choose a status from the list"),
        ({"status_D1": None}, "A note goes with a new status"),
        ({"document": (io.BytesIO(b"MZ\x90\x00 not a document"), "tool.exe")}, "must be a PDF"),
        ({"document": (io.BytesIO(b"GIF89a" + b"\x00" * 100), "a.gif")}, "must be a PDF"),
        (
            {"document": (io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024)), "big.pdf")},
            "larger than 10 MB",
        ),
        ({"kind": "rumour"}, "Not a valid choice"),
        ({"occurred_on": "yesterday"}, "Give a date such as 10 June 2025"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_is_stored(
    app, db, client, login, demo_appeal, changes, field_message
):
    login("editor")
    response = _post_form(client, NEW, _form(demo_appeal, **changes))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert field_message.lower() in body.lower() and 'class="error"' in body
    assert _stored(db) == (0, 0)
    assert _documents(app) == []


def test_a_status_for_a_demand_not_addressed_to_the_authority(db, client, login, demo_appeal):
    """Demand 2 is addressed to the Committee only: the other authority's form has no control
    for it, and a status sent for it anyway is ignored (nothing else chosen: refused)."""
    login("editor")
    d2 = demo_appeal.demands[1]
    url = f"{BASE}/new?authority={AUTHORITIES}"
    assert f'name="status_{d2.id}"' not in client.get(url).get_data(as_text=True)
    data = _form(demo_appeal, status_D1=None, note_D1=None, concerns_D3=None, status_D2="met")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "at least one demand" in response.get_data(as_text=True)
    assert _stored(db) == (0, 0)


def test_status_retract_due_update_and_notify(db, client, login, demo_appeal, smtp):
    login("editor")
    target = demo_appeal.demands[1].targets[0]
    ok = client.post(f"{BASE}/status", data={"target": str(target.id), "status": "acknowledged",
                                             "note": "Letter received."})  # fmt: skip
    assert ok.status_code == 302
    bad = client.post(f"{BASE}/status", data={"target": str(target.id), "status": "met"})
    assert bad.status_code == 400 and "evidence" in bad.get_data(as_text=True)
    bad = client.post(f"{BASE}/status", data={"target": str(target.id), "status": "overdue",
                                              "note": "x"})  # fmt: skip
    assert bad.status_code == 400 and "Not a valid choice" in bad.get_data(as_text=True)
    change = db.session.scalars(sa.select(StatusChange)).one()
    db.session.refresh(target)
    assert target.status == "acknowledged"

    early = client.post(f"{BASE}/due", data={"target": str(target.id), "due_on": "2025-05-01",
                                             "reason": "x"})  # fmt: skip
    assert early.status_code == 400
    assert "cannot be before the appeal was published" in early.get_data(as_text=True)
    assert (
        client.post(
            f"{BASE}/due", data={"target": str(target.id), "due_on": "2025-06-30"}
        ).status_code
        == 302
    )
    no_reason = client.post(f"{BASE}/due", data={"target": str(target.id), "due_on": "2025-07-30"})
    assert no_reason.status_code == 400 and "Say why" in no_reason.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DueDateChange.id))) == 1

    assert (
        client.post(f"{BASE}/changes/{change.id}/retract", data={"reason": ""}).status_code == 302
    )
    db.session.refresh(change)
    assert change.retracted_at is None
    assert client.post(f"{BASE}/changes/{change.id}/retract",
                       data={"reason": "Wrong letter"}).status_code == 302  # fmt: skip
    db.session.refresh(target)
    assert target.status == "awaiting"

    assert client.post(f"{BASE}/notify").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Mailing.id))) == 0  # nothing to announce
    empty = client.post(f"/admin/appeals/{DEMO_SLUG}/updates", data={"title": "", "body": "x"})
    assert empty.status_code == 400
    assert client.post(f"/admin/appeals/{DEMO_SLUG}/updates",
                       data={"title": "Delivered", "body": "Done."}).status_code == 302  # fmt: skip
    update = db.session.scalars(sa.select(Update)).one()
    assert update.title == "Delivered" and update.published_at is None  # a draft, previewed
    assert db.session.scalar(sa.select(sa.func.count(Mailing.id))) == 0
    publish = f"/admin/appeals/{DEMO_SLUG}/updates/{update.id}/publish"
    assert client.post(publish).status_code == 302
    assert db.session.scalars(sa.select(Mailing)).one().finished_at is not None


def test_moderators_and_visitors_cannot_change_anything(client, login, demo_appeal):
    assert client.get(BASE).status_code == 302  # to the login page
    login("moderator")
    assert client.get(BASE).status_code == 403
    assert client.post(NEW, data=_form(demo_appeal)).status_code == 403


def test_the_admin_menu_lists_responses(client, login, demo_appeal):
    login("editor")
    body = client.get("/admin/responses").get_data(as_text=True)
    assert "Responses" in body and f"/admin/appeals/{DEMO_SLUG}/responses" in body
