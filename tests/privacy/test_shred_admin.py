"""The admin's shred: only an admin, only with their password and the slug typed out;
audited; the appeal's sealed data are unreadable at once and its counts stay."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.audit.models import AuditEntry
from campaign.core.datakeys import shredded_at
from campaign.signatures.counting import signature_count
from tests.conftest import PASSWORD
from tests.signatures.helpers import by_email, deliver, links, sign


def test_admin_shreds_with_password_and_slug(client, db, smtp, make_appeal, login):
    appeal = make_appeal()
    sign(client, appeal, email="kept@example.org", city="Osh")
    client.post(links(deliver(smtp, 1)[0])["confirm"])
    assert by_email(db, "kept@example.org").email == "kept@example.org"
    url = f"/admin/appeals/{appeal.slug}/shred"

    login("editor")
    assert client.get(url).status_code in (302, 403)
    client.get("/admin/logout")
    login("admin")
    assert "Shred personal data" in client.get(f"/admin/appeals/{appeal.slug}").get_data(True)
    wrong = client.post(url, data={"slug": appeal.slug, "password": "not it"})
    assert wrong.status_code == 400 and "The password is wrong." in wrong.get_data(True)
    typo = client.post(url, data={"slug": appeal.slug + "x", "password": PASSWORD})
    assert typo.status_code == 400 and "exactly as shown" in typo.get_data(True)
    db.session.expire_all()
    assert shredded_at(appeal.id) is None

    done = client.post(url, data={"slug": appeal.slug, "password": PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert shredded_at(appeal.id) is not None
    assert signature_count(appeal.id) == 1
    actions = db.session.execute(sa.select(AuditEntry.action)).scalars().all()
    assert "privacy.shred" in actions
    page = client.get(url).get_data(True)
    assert "Data of this appeal was shredded on" in page
