"""/admin/erase: an admin erases a person's data when they ask by letter, with the same
effect as the person's own withdrawal; the audit log keeps counts, never the address."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.appeals.models import Appeal
from campaign.audit.models import AuditEntry
from campaign.endorsements.models import Endorsement
from campaign.signatures.counting import recount, signature_count
from campaign.signatures.models import Signature
from tests.endorsements.helpers import endorse, link, mails
from tests.signatures.helpers import deliver, links, sign

ADDRESS = "aida@kloop.kg"


def _signed_and_endorsed(client, db, smtp, make_appeal):
    """Aida signs two appeals (confirmed) and endorses one for her organization; Bolot signs
    the first too."""
    first, second = make_appeal(), make_appeal()
    db.session.commit()
    sign(client, first, email=ADDRESS)
    sign(client, second, email="Aida@Kloop.kg", wants_updates="")  # keeps only the hash
    sign(client, first, name="Bolot", email="bolot@example.org")
    for message in deliver(smtp, 3):
        client.post(links(message)["confirm"])
    assert endorse(client, first.slug).status_code == 302
    client.post(link(mails(smtp, 4)[-1], "confirm"))
    db.session.rollback()
    return first, second


def _entries(db) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def test_erase_finds_confirms_and_erases_like_self_service(client, db, smtp, make_appeal, login):
    first, second = _signed_and_endorsed(client, db, smtp, make_appeal)
    assert signature_count(first.id) == 2 and signature_count(second.id) == 1
    login("admin")
    endorsement_id = db.session.scalars(sa.select(Endorsement.id)).one()
    assert client.post(f"/admin/endorsements/{endorsement_id}/approve").status_code == 302
    db.session.rollback()
    assert db.session.get(Appeal, first.id).endorsement_count == 1

    page = client.get("/admin/erase")
    assert page.status_code == 200 and 'name="email"' in page.get_data(True)

    found = client.post("/admin/erase", data={"email": f"  {ADDRESS.upper()} "})
    html = found.get_data(True)
    assert found.status_code == 200
    assert first.title in html and second.title in html
    assert "Erase this person&#39;s data" in html or "Erase this person's data" in html
    assert "bolot@example.org" not in html
    # Looking is on record, without the address; nothing changed yet.
    lookup = _entries(db)[-1]
    assert lookup.action == "privacy.erase_lookup" and "kloop" not in lookup.detail.lower()
    assert signature_count(first.id) == 2

    erased = client.post("/admin/erase/confirm", data={"email": ADDRESS})
    assert erased.status_code == 303
    done = client.get(erased.headers["Location"]).get_data(True)
    assert "Erased: 2 signatures and 1 endorsement contact." in done

    db.session.rollback()
    rows = db.session.scalars(sa.select(Signature).order_by(Signature.id)).all()
    aida = [s for s in rows if s.name != "Bolot"]
    assert len(aida) == 2
    for row in aida:
        # Exactly what withdraw_signature (the person's own erase) leaves.
        assert row.state == "withdrawn" and row.withdrawn_at is not None
        assert row.email is None and row.name is None and row.email_key is None
        assert row.city is None and row.ip_key is None
        assert row.personal_data_erased_at is not None and row.country == "KG"
    bolot = next(s for s in rows if s.name == "Bolot")
    assert bolot.state == "confirmed" and bolot.email == "bolot@example.org"
    assert signature_count(first.id) == 1 and signature_count(second.id) == 0
    assert recount(first.id) == 1 and recount(second.id) == 0  # no drift
    assert db.session.get(Appeal, first.id).endorsement_count == 0

    endorsement = db.session.scalars(sa.select(Endorsement)).one()
    assert endorsement.state == "withdrawn" and endorsement.contact_email is None
    assert endorsement.contact_key is None and endorsement.ip_key is None

    entry = [e for e in _entries(db) if e.action == "privacy.erase"][-1]
    assert '"signatures": 2' in entry.detail and '"endorsements": 1' in entry.detail
    assert "kloop" not in entry.detail.lower() and "aida" not in entry.detail.lower()
    assert entry.user_id is not None

    again = client.post("/admin/erase", data={"email": ADDRESS}).get_data(True)
    assert "Nothing found" in again


def test_nothing_found_is_a_clear_answer(client, db, make_appeal, login):
    make_appeal()
    db.session.commit()
    login("admin")
    html = client.post("/admin/erase", data={"email": "nobody@example.org"}).get_data(True)
    assert "Nothing found" in html and "nobody@example.org" in html
    assert "Erase this person" not in html
    erased = client.post("/admin/erase/confirm", data={"email": "nobody@example.org"})
    assert erased.status_code == 303
    assert "Nothing was found" in client.get("/admin/erase").get_data(True)
    assert not [e for e in _entries(db) if e.action == "privacy.erase"]


def test_not_an_address_is_refused_beside_the_field(client, db, login):
    login("admin")
    for typed in ("", "not an address", "a@" + "b" * 400 + ".kg"):
        for step in ("/admin/erase", "/admin/erase/confirm"):
            response = client.post(step, data={"email": typed})
            assert response.status_code == 400, (step, typed)
            html = response.get_data(True)
            assert 'class="error"' in html and 'class="error-summary"' in html
            assert 'name="email"' in html and 'type="email"' in html
    assert not [e for e in _entries(db) if e.action.startswith("privacy.erase")]


def test_erase_needs_an_admin(client, db, login):
    for role in ("editor", "moderator"):
        login(role)
        assert client.get("/admin/erase").status_code == 403
        assert client.post("/admin/erase", data={"email": ADDRESS}).status_code == 403
        assert client.post("/admin/erase/confirm", data={"email": ADDRESS}).status_code == 403
    client.post("/admin/logout")
