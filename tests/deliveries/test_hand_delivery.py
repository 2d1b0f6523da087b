"""A delivery by hand, post or fax: its date, a receipt through the documents pipeline, and
the due dates it sets (also across a Kyrgyz public holiday)."""

from __future__ import annotations

import datetime as dt
import io

from campaign.appeals.models import DueDateChange
from campaign.appeals.services import set_due_date
from campaign.audit.models import AuditEntry
from campaign.core.extensions import db
from campaign.deliveries.models import Delivery
from campaign.deliveries.services import record_delivery
from campaign.responses.documents import documents_folder

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_recording_a_hand_delivery_with_a_receipt_sets_the_due_dates(
    client, login, make_appeal, make_authority, time_machine
):
    # Delivered on Thursday 19 March 2026 to a Kyrgyz authority with a 3-working-day term:
    # Friday 20 March (Eid al-Fitr) and Saturday 21 (Nooruz) are off, so 23, 24, 25 March.
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    authority = make_authority("Akimat", country="KG")
    authority.response_term_days = 3
    appeal = make_appeal(authority=authority)
    db.session.commit()
    time_machine.move_to(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
    login("editor")
    response = client.post(
        f"/admin/appeals/{appeal.slug}/deliveries/record",
        data={
            "authority": authority.slug,
            "method": "hand",
            "delivered_on": "2026-03-19",
            "note": "Handed to the reception desk",
            "receipt": (io.BytesIO(PDF), "receipt.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    delivery = db.session.execute(db.select(Delivery)).scalar_one()
    assert (delivery.method, delivery.status) == ("hand", "delivered")
    assert delivery.delivered_on == dt.date(2026, 3, 19)
    assert (documents_folder() / delivery.receipt_document).read_bytes() == PDF
    targets = [d.targets[0] for d in appeal.demands]
    assert {t.due_on for t in targets} == {dt.date(2026, 3, 25)}
    assert db.session.execute(db.select(AuditEntry).filter_by(action="delivery.record")).scalar()

    page = client.get(f"/admin/appeals/{appeal.slug}/deliveries").get_data(as_text=True)
    assert "Akimat" in page and "receipt" in page.lower()


def test_a_due_date_set_before_is_kept_as_an_extension(
    app, make_appeal, make_authority, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
    authority = make_authority("Ministry", country="KG")
    appeal = make_appeal(authority=authority)
    target = appeal.demands[0].targets[0]
    set_due_date(None, target, dt.date(2026, 3, 31), "")
    db.session.commit()
    time_machine.move_to(dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC), tick=False)
    record_delivery(None, appeal, authority, "post", dt.date(2026, 3, 19))
    db.session.commit()
    # The default term, 14 working days, from 19 March: 20 and 21 March are off.
    assert target.due_on == dt.date(2026, 4, 9)
    changes = (
        db.session.execute(db.select(DueDateChange).filter_by(demand_target_id=target.id))
        .scalars()
        .all()
    )
    assert [(c.old_due_on, c.new_due_on) for c in changes][-1] == (
        dt.date(2026, 3, 31),
        dt.date(2026, 4, 9),
    )


def test_a_bad_receipt_or_a_future_date_is_refused_on_the_page(
    client, login, make_appeal, make_authority
):
    authority = make_authority("Court")
    appeal = make_appeal(authority=authority)
    login("editor")
    url = f"/admin/appeals/{appeal.slug}/deliveries/record"
    future = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        url, data={"authority": authority.slug, "method": "fax", "delivered_on": future}
    )
    assert response.status_code == 400
    assert "has not come yet" in response.get_data(as_text=True)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    response = client.post(
        url,
        data={
            "authority": authority.slug,
            "method": "fax",
            "delivered_on": today,
            "receipt": (io.BytesIO(b"MZ\x90\x00 not a document"), "tool.exe"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert db.session.execute(db.select(Delivery)).first() is None


def test_moderators_cannot_deliver(client, login, make_appeal, make_authority):
    authority = make_authority("Court")
    appeal = make_appeal(authority=authority)
    login("moderator")
    today = dt.datetime.now(dt.UTC).date().isoformat()
    response = client.post(
        f"/admin/appeals/{appeal.slug}/deliveries/record",
        data={"authority": authority.slug, "method": "hand", "delivered_on": today},
    )
    assert response.status_code == 403
    assert db.session.execute(db.select(Delivery)).first() is None
