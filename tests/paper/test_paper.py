"""Paper batches: counted in the appeal's total (page, API, lists), entered and corrected by
editors with their provenance (audited, history kept), checked by `counts verify`, shown in
the figures and exports; scans private to campaigners and erased with personal data."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
import sqlalchemy as sa

from campaign.audit.models import AuditEntry
from campaign.core.extensions import db
from campaign.paper.models import PaperBatch
from campaign.paper.services import correct_paper_batch, record_paper_batch
from campaign.signatures.counting import bump_signature_count, signature_count
from tests.api.helpers import assert_error

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = dt.datetime.now(dt.UTC).date()
WEEK_AGO = TODAY - dt.timedelta(days=7)


def _batch(appeal, count=120, **fields):
    values = {
        "collected_by": "Media Action Platform volunteers",
        "place": "Naryn region",
        "collected_from": WEEK_AGO,
        "collected_to": TODAY - dt.timedelta(days=1),
        **fields,
    }
    batch = record_paper_batch(None, appeal, count=count, **values)
    db.session.commit()
    return batch


def _form(count="120", **fields):
    return {
        "count": count,
        "collected_by": "Volunteers of Osh",
        "place": "Osh",
        "collected_from": WEEK_AGO.isoformat(),
        "collected_to": TODAY.isoformat(),
        **fields,
    }


def test_paper_counts_in_the_total_on_the_page_and_in_the_api(client, db, make_appeal):
    appeal = make_appeal()
    bump_signature_count(appeal.id, 30)
    db.session.commit()
    _batch(appeal, 1200)
    assert signature_count(appeal.id) == 1230
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert "1,230" in html and "including 1,200 on paper" in html
    body = client.get(f"/api/v1/appeals/{appeal.slug}").get_json()
    assert body["signature_count"] == 1230 and body["paper_count"] == 1200
    listed = client.get("/api/v1/appeals").get_json()["items"]
    assert [a["signature_count"] for a in listed if a["slug"] == appeal.slug] == [1230]
    assert "1,230" in client.get("/").get_data(as_text=True)


def test_page_without_paper_says_nothing_of_paper(client, db, make_appeal):
    appeal = make_appeal()
    assert "paper-count" not in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)


def test_the_cached_page_shows_a_new_batch_at_once(app, client, db, make_appeal):
    app.config["APPEAL_PAGE_CACHE_SECONDS"] = 60
    appeal = make_appeal()
    assert "paper-count" not in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    _batch(appeal, 45)
    assert "including 45 on paper" in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)


def test_editor_enters_a_batch_with_a_scan_and_corrects_it(app, client, db, make_appeal, login):
    appeal = make_appeal()
    login("editor")
    page = f"/admin/appeals/{appeal.slug}/paper"
    assert client.get(page).status_code == 200
    data = _form("250", scan=(io.BytesIO(PDF), "sheets.pdf"))
    response = client.post(f"{page}/record", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    batch = db.session.execute(sa.select(PaperBatch)).scalar_one()
    assert (batch.count, batch.place, batch.collected_by) == (250, "Osh", "Volunteers of Osh")
    assert batch.scan and os.path.exists(
        os.path.join(app.config["UPLOAD_FOLDER"], "paper", batch.scan)
    )
    html = client.get(page).get_data(as_text=True)
    assert "Volunteers of Osh" in html and "250" in html

    # A correction needs a reason; the old count stays in the history and the audit log.
    prefix = f"batch-{batch.id}-"
    refused = client.post(f"{page}/{batch.id}/correct", data={prefix + "count": "200"})
    assert refused.status_code == 400
    done = client.post(
        f"{page}/{batch.id}/correct",
        data={prefix + "count": "200", prefix + "reason": "50 sheets were counted twice"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert signature_count(appeal.id) == 200 and appeal.paper_count == 200
    html = client.get(page).get_data(as_text=True)
    assert "Corrected from 250 to 200" in html and "counted twice" in html
    entry = db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "paper.correct")
    ).scalar_one()
    assert '"old_count": 250' in entry.detail and '"new_count": 200' in entry.detail
    assert db.session.execute(
        sa.select(AuditEntry).where(AuditEntry.action == "paper.record")
    ).scalar_one()


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"count": "0"}, "count"),
        ({"count": "-5"}, "count"),
        ({"count": "1000001"}, "count"),
        ({"count": "many"}, "count"),
        ({"collected_by": ""}, "collected_by"),
        ({"collected_to": (WEEK_AGO - dt.timedelta(days=1)).isoformat()}, "collected_to"),
        ({"collected_to": (TODAY + dt.timedelta(days=3)).isoformat()}, "collected_to"),
    ],
)
def test_bad_batches_are_refused_beside_the_field(client, db, make_appeal, login, fields, field):
    appeal = make_appeal()
    login("editor")
    response = client.post(f"/admin/appeals/{appeal.slug}/paper/record", data=_form(**fields))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(PaperBatch)).scalar() == 0


def test_a_scan_that_is_not_a_document_is_refused(client, db, make_appeal, login):
    appeal = make_appeal()
    login("editor")
    data = _form(scan=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf"))
    response = client.post(
        f"/admin/appeals/{appeal.slug}/paper/record", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert db.session.execute(sa.select(sa.func.count()).select_from(PaperBatch)).scalar() == 0


def test_the_scan_is_private(client, db, make_appeal, login):
    appeal = make_appeal()
    batch = record_paper_batch(
        None, appeal, count=10, collected_by="Group", place="Talas",
        collected_from=WEEK_AGO, collected_to=TODAY, scan=PDF,
    )  # fmt: skip
    db.session.commit()
    url = f"/admin/appeals/{appeal.slug}/paper/{batch.id}/scan"
    assert client.get(url).status_code == 302  # to the login
    assert client.get(f"/documents/{batch.scan}").status_code == 404
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert batch.scan not in html and "Talas" not in html
    login("moderator")
    with client.get(url) as served:
        assert served.status_code == 200 and served.data == PDF
        assert "no-store" in served.headers["Cache-Control"]
    other = make_appeal()
    assert client.get(f"/admin/appeals/{other.slug}/paper/{batch.id}/scan").status_code == 404


def test_shred_and_purge_delete_scans_and_keep_counts(app, runner, db, make_appeal):
    appeal = make_appeal()
    batch = record_paper_batch(
        None, appeal, count=10, collected_by="Group", place="Talas",
        collected_from=WEEK_AGO, collected_to=TODAY, scan=PDF,
    )  # fmt: skip
    db.session.commit()
    path = os.path.join(app.config["UPLOAD_FOLDER"], "paper", batch.scan)
    assert os.path.exists(path)
    result = runner.invoke(args=["privacy", "shred", appeal.slug, "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 paper scan(s)" in result.output
    assert not os.path.exists(path)
    db.session.expire_all()
    assert db.session.get(PaperBatch, batch.id).scan is None
    assert signature_count(appeal.id) == 10


def test_purge_deletes_scans_after_retention(app, runner, db, make_appeal):
    appeal = make_appeal(state="closed")
    appeal.closed_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    batch = record_paper_batch(
        None, appeal, count=10, collected_by="Group", place="Talas",
        collected_from=WEEK_AGO, collected_to=TODAY, scan=PDF,
    )  # fmt: skip
    appeal.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=4000)
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert "Erased 1 scan(s) of paper batches." in result.output
    db.session.expire_all()
    assert db.session.get(PaperBatch, batch.id).scan is None
    assert signature_count(appeal.id) == 10


def test_closed_appeals_take_paper_collected_before_closing_archived_none(db, make_appeal):
    from campaign.core.validation import InvalidInput

    closed = make_appeal(state="closed")
    _batch(closed, 5, collected_to=TODAY)
    closed.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    db.session.commit()
    with pytest.raises(InvalidInput) as refused:
        _batch(closed, 5, collected_to=TODAY)
    assert "collected_to" in refused.value.fields
    db.session.rollback()
    archived = make_appeal(state="archived")
    with pytest.raises(InvalidInput):
        _batch(archived, 5)
    db.session.rollback()
    draft = make_appeal(state="draft")
    with pytest.raises(InvalidInput):
        _batch(draft, 5)


def test_counts_verify_includes_paper(runner, db, make_appeal):
    appeal = make_appeal()
    batch = _batch(appeal, 300)
    correct_paper_batch(None, batch, count=280, reason="recount")
    db.session.commit()
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 0, result.output
    # Someone changes a batch's stored count behind the app's back.
    db.session.execute(sa.update(PaperBatch).values(count=500))
    db.session.commit()
    result = runner.invoke(args=["counts", "verify"])
    assert result.exit_code == 1
    assert f"appeal {appeal.id}: paper count says 280, paper batches say 500" in result.output
    assert runner.invoke(args=["counts", "verify", "--fix"]).exit_code == 1
    assert runner.invoke(args=["counts", "verify"]).exit_code == 0
    db.session.expire_all()
    assert signature_count(appeal.id) == 500


def test_figures_and_open_data_show_paper(client, db, make_appeal, login):
    appeal = make_appeal()
    appeal.published_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    _batch(appeal, 77)
    stats = client.get(f"/appeals/{appeal.slug}/stats.json").get_json()
    assert stats["paper_count"] == 77
    assert stats["paper"] == [
        {"date": (TODAY - dt.timedelta(days=1)).isoformat(), "signatures": 77}
    ]
    csv_text = client.get(f"/appeals/{appeal.slug}/stats.csv").get_data(as_text=True)
    assert f"paper,{(TODAY - dt.timedelta(days=1)).isoformat()},77" in csv_text
    login("moderator")
    figures = client.get(f"/admin/appeals/{appeal.slug}/stats").get_data(as_text=True)
    assert "including 77 on paper" in figures
    admin_list = client.get("/admin/appeals").get_data(as_text=True)
    assert "77" in admin_list
    assert "including 77 on paper" in client.get(f"/admin/appeals/{appeal.slug}").get_data(
        as_text=True
    )


# --- the API ---------------------------------------------------------------------------------


def _payload(**fields):
    return {
        "count": 400,
        "collected_by": "Union of journalists",
        "place": "Bishkek",
        "collected_from": WEEK_AGO.isoformat(),
        "collected_to": TODAY.isoformat(),
        **fields,
    }


def test_api_records_and_lists_batches(client, db, make_appeal, api_token):
    appeal = make_appeal()
    url = f"/api/v1/appeals/{appeal.slug}/paper-batches"
    editor = api_token("editor")
    response = client.post(url, json=_payload(), headers=editor)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["count"] == 400 and body["place"] == "Bishkek" and body["corrections"] == []
    appeal_json = client.get(f"/api/v1/appeals/{appeal.slug}").get_json()
    assert appeal_json["paper_count"] == 400 and appeal_json["signature_count"] == 400
    listed = client.get(url, headers=api_token("moderator")).get_json()
    assert listed["total"] == 1 and listed["items"][0]["collected_by"] == "Union of journalists"
    assert client.get(url).status_code == 401


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"count": -1}, "count"),
        ({"count": 0}, "count"),
        ({"count": 10**12}, "count"),
        ({"count": 1.5}, "count"),
        ({"count": "12"}, "count"),
        ({"place": ""}, "place"),
        (
            {"collected_from": TODAY.isoformat(), "collected_to": WEEK_AGO.isoformat()},
            "collected_to",
        ),
        ({"collected_to": (TODAY + dt.timedelta(days=2)).isoformat()}, "collected_to"),
        ({"collected_from": "yesterday"}, "collected_from"),
    ],
)
def test_api_refuses_bad_batches(client, db, make_appeal, api_token, fields, field):
    appeal = make_appeal()
    response = client.post(
        f"/api/v1/appeals/{appeal.slug}/paper-batches",
        json=_payload(**fields),
        headers=api_token("editor"),
    )
    error = assert_error(
        response,
        400
        if field in ("collected_to", "place") and "count" not in fields
        else response.status_code,
    )
    assert field in str(error.get("fields", {})) or field in error["message"]
    assert response.status_code in (400, 422)
    db.session.expire_all()
    assert db.session.get(type(appeal), appeal.id).paper_count == 0


def test_api_paper_needs_an_editor(client, db, make_appeal, api_token):
    appeal = make_appeal()
    url = f"/api/v1/appeals/{appeal.slug}/paper-batches"
    assert client.post(url, json=_payload()).status_code == 401
    assert client.post(url, json=_payload(), headers=api_token("moderator")).status_code == 403
    assert (
        client.post(
            "/api/v1/appeals/nope/paper-batches", json=_payload(), headers=api_token("editor")
        ).status_code
        == 404
    )
