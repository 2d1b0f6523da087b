"""In a real browser: a person asked by letter to be erased. An admin opens "Erase on
request", types the address, sees what is stored on which appeal, confirms, and the person's
signature and endorsement contact are erased exactly as their own erase leaves them; the
audit entry has counts, not the address. Page loads counted."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from campaign.audit.models import AuditEntry
from campaign.endorsements.models import Endorsement
from campaign.signatures.counting import signature_count
from campaign.signatures.models import Signature
from tests.browser_support import count_loads, log_in
from tests.endorsements.helpers import endorse, link, mails
from tests.signatures.helpers import body, links, sign

ADDRESS = "aida@kloop.kg"
#: What an erase must leave empty on a signature.
PERSONAL = (
    "shown_name",
    "sealed_name",
    "sealed_email",
    "email_key",
    "domain_key",
    "sealed_city",
    "ip_key",
)


def _erased_columns(row: Signature) -> dict:
    return {
        "state": row.state,
        **{column: getattr(row, column) for column in PERSONAL},
        "erased": row.personal_data_erased_at is not None,
        "withdrawn": row.withdrawn_at is not None,
        "country": row.country,
    }


@pytest.mark.browser
def test_erase_a_person_on_request(page, live_server, client, db, smtp, make_appeal, make_user):
    appeal = make_appeal()
    admin = make_user("admin").email
    slug, title = appeal.slug, appeal.title
    db.session.commit()
    sign(client, appeal, name="Aida Sultanova", email=ADDRESS)
    sign(client, appeal, name="Bolot Osmonov", email="bolot@example.org")
    signed = mails(smtp, 2)
    for message in signed:
        client.post(links(message)["confirm"])
    assert endorse(client, slug).status_code == 302  # contact: aida@kloop.kg
    client.post(link(mails(smtp, 3)[-1], "confirm"))
    # Bolot erases his own data with the link from his email: the reference.
    bolot_mail = next(m for m in signed if m["To"] == "bolot@example.org")
    [my_data] = re.findall(r"https?://[^/\s]+(/my-data/\S+)", body(bolot_mail))
    assert client.post(my_data).status_code == 303
    db.session.commit()
    assert signature_count(appeal.id) == 1
    log_in(page, live_server, admin)

    loads = count_loads(page)
    page.goto(f"{live_server}/admin/")
    page.locator(".admin-nav").get_by_role("link", name="Erase on request").click()
    page.get_by_label("The person's email address").fill(ADDRESS)
    page.get_by_role("button", name="Find").click()
    row = page.get_by_role("row", name=re.compile(re.escape(title)))
    expect(row.get_by_role("cell")).to_have_count(2)
    expect(row.get_by_role("cell").first).to_contain_text("1")
    expect(row.get_by_role("cell").nth(1)).to_contain_text("Kloop Media")
    expect(page.get_by_text("bolot@example.org")).to_have_count(0)
    page.get_by_role("button", name="Erase this person's data").click()
    expect(page.get_by_text("Erased: 1 signature and 1 endorsement contact.")).to_be_visible()
    expect(page.get_by_label("The person's email address")).to_have_value("")
    # Dashboard, the erase page, what was found, erased (back on the erase page).
    assert len(loads) == 4, loads

    db.session.rollback()
    aida, bolot = db.session.scalars(sa.select(Signature).order_by(Signature.id)).all()
    assert _erased_columns(aida) == _erased_columns(bolot)  # the same as his own erase
    assert _erased_columns(aida)["state"] == "withdrawn"
    assert all(_erased_columns(aida)[c] is None for c in PERSONAL)
    assert aida.email is None and aida.name is None and aida.city is None
    assert signature_count(appeal.id) == 0
    endorsement = db.session.scalars(sa.select(Endorsement)).one()
    assert endorsement.state == "withdrawn" and endorsement.contact_email is None

    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert '"signatures": 1' in entry.detail and '"endorsements": 1' in entry.detail
    assert "kloop.kg" not in entry.detail and "aida" not in entry.detail.lower()
    for logged in db.session.scalars(sa.select(AuditEntry.detail)):
        assert ADDRESS not in (logged or "")
