"""Moderators search, invalidate (with a confirmation step), export CSV and edit blocklists."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from campaign.audit.models import AuditEntry
from campaign.signatures.counting import signature_count
from campaign.signatures.models import BlockedEmailDomain, BlockedNetwork, Signature
from tests.signatures.helpers import by_email, deliver, links, sign


def _seed(client, smtp, appeal):
    people = [
        ("Aida Bekova", "aida@example.org", "KG"),
        ("Boris Ivanov", "boris@mail.example.net", "KZ"),
        ("Chyngyz Asanov", "chyngyz@example.org", "KG"),
    ]
    for name, email, country in people:
        sign(client, appeal, name=name, email=email, country=country)
    for message in deliver(smtp, len(people)):
        client.post(links(message)["confirm"])


def test_moderator_searches_signatures(client, db, smtp, make_appeal, login):
    appeal = make_appeal()
    _seed(client, smtp, appeal)
    login("moderator")
    base = f"/admin/appeals/{appeal.slug}/signatures"
    html = client.get(base).get_data(as_text=True)
    assert html.count('class="signature-row"') == 3 and "boris@mail.example.net" in html

    def rows(query: str) -> int:
        return client.get(base + query).get_data(as_text=True).count('class="signature-row"')

    assert rows("?q=BEKOVA") == 1
    # Addresses are sealed: a whole address is found by its keyed hash, a part is not.
    assert rows("?q=Boris@mail.example.net") == 1
    assert rows("?q=mail.example") == 0
    assert rows("?domain=mail.example.net") == 1
    assert rows("?country=KG") == 2
    assert rows("?state=pending") == 0
    assert rows("?state=confirmed&country=KZ") == 1
    assert rows("?since=2000-01-01&until=2999-01-01") == 3
    assert rows("?until=2000-01-01") == 0
    bad = client.get(base + "?since=yesterday").get_data(as_text=True)
    assert "Use a date like" in bad


def test_signatures_admin_needs_a_moderator(client, make_appeal, login):
    appeal = make_appeal()
    response = client.get(f"/admin/appeals/{appeal.slug}/signatures")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert client.get(f"/admin/appeals/{appeal.slug}/signatures.csv").status_code == 302
    assert client.get("/admin/blocklists").status_code == 302


def test_bulk_invalidation_shows_the_count_first(client, db, smtp, make_appeal, login):
    appeal = make_appeal()
    _seed(client, smtp, appeal)
    login("moderator")
    url = f"/admin/appeals/{appeal.slug}/signatures/invalidate"
    step1 = client.get(url + "?country=KG")
    assert step1.status_code == 200
    assert "2 signatures will be invalidated" in step1.get_data(as_text=True)
    assert signature_count(appeal.id) == 3
    no_reason = client.post(url, data={"country": "KG", "confirm": "1", "reason": " "})
    assert "Give a reason" in no_reason.get_data(as_text=True)
    assert signature_count(appeal.id) == 3
    done = client.post(url, data={"country": "KG", "confirm": "1", "reason": "duplicates"})
    assert done.status_code == 303
    assert signature_count(appeal.id) == 1
    states = dict(db.session.execute(sa.select(Signature.country, Signature.state)).all())
    assert states == {"KG": "invalidated", "KZ": "confirmed"}


def test_invalidate_selected_rows(client, db, smtp, make_appeal, login):
    appeal = make_appeal()
    _seed(client, smtp, appeal)
    login("moderator")
    boris = by_email(db, "boris@mail.example.net")
    url = f"/admin/appeals/{appeal.slug}/signatures/invalidate"
    step1 = client.post(url, data={"ids": [str(boris.id)]})
    assert "1 signature will be invalidated" in step1.get_data(as_text=True)
    assert signature_count(appeal.id) == 3
    client.post(url, data={"ids": [str(boris.id)], "confirm": "1", "reason": "bot"})
    assert signature_count(appeal.id) == 2
    db.session.refresh(boris)
    assert boris.state == "invalidated" and boris.invalidation_reason == "bot"


def test_csv_export_is_streamed_and_neutralizes_formulas(client, db, smtp, make_appeal, login):
    appeal = make_appeal()
    _seed(client, smtp, appeal)
    # Signing refuses such names; rows written some other way are still neutralized.
    aida = by_email(db, "aida@example.org")
    aida.name, aida.city, aida.invalidation_reason = "=HYPERLINK(1)", "+cmd", "\tx"
    db.session.commit()
    login("moderator")
    response = client.get(f"/admin/appeals/{appeal.slug}/signatures.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3
    aida = next(r for r in rows if r["email"] == "aida@example.org")
    assert aida["name"] == "'=HYPERLINK(1)" and aida["city"] == "'+cmd"
    assert aida["invalidation_reason"] == "'\tx"
    filtered = client.get(f"/admin/appeals/{appeal.slug}/signatures.csv?country=KZ")
    assert len(list(csv.DictReader(io.StringIO(filtered.get_data(as_text=True))))) == 1


def test_export_signatures_cli(client, db, smtp, runner, make_appeal):
    appeal = make_appeal()
    _seed(client, smtp, appeal)
    result = runner.invoke(args=["export", "signatures", appeal.slug])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert sorted(r["email"] for r in rows) == [
        "aida@example.org",
        "boris@mail.example.net",
        "chyngyz@example.org",
    ]
    assert {r["state"] for r in rows} == {"confirmed"}
    missing = runner.invoke(args=["export", "signatures", "no-such-appeal"])
    assert missing.exit_code != 0 and "No appeal" in missing.output


def test_blocklists_add_remove_and_audit(client, db, login):
    login("moderator")
    assert (
        client.post(
            "/admin/blocklists/add",
            data={"kind": "network", "cidr": "203.0.113.7/24", "reason": "r"},
        ).status_code
        == 303
    )
    assert (
        client.post(
            "/admin/blocklists/add", data={"kind": "domain", "domain": "@Spam.Example"}
        ).status_code
        == 303
    )
    page = client.get("/admin/blocklists").get_data(as_text=True)
    assert "203.0.113.0/24" in page and "spam.example" in page
    bad = client.post("/admin/blocklists/add", data={"kind": "network", "cidr": "300.1.1.1"})
    assert bad.status_code == 400 and "Enter an IP address" in bad.get_data(as_text=True)
    again = client.post("/admin/blocklists/add", data={"kind": "domain", "domain": "spam.example"})
    assert again.status_code == 400 and "already blocked" in again.get_data(as_text=True)
    bad = client.post("/admin/blocklists/add", data={"kind": "domain", "domain": "not a domain"})
    assert bad.status_code == 400
    network = db.session.execute(sa.select(BlockedNetwork)).scalar_one()
    domain = db.session.execute(sa.select(BlockedEmailDomain)).scalar_one()
    assert client.post(f"/admin/blocklists/network/{network.id}/remove").status_code == 303
    assert client.post(f"/admin/blocklists/domain/{domain.id}/remove").status_code == 303
    assert client.post(f"/admin/blocklists/domain/{domain.id}/remove").status_code == 404
    db.session.expire_all()
    assert db.session.execute(sa.select(BlockedNetwork)).first() is None
    actions = set(
        db.session.execute(
            sa.select(AuditEntry.action).where(AuditEntry.action.like("blocklist.%"))
        ).scalars()
    )
    assert actions == {
        "blocklist.network.add",
        "blocklist.network.remove",
        "blocklist.domain.add",
        "blocklist.domain.remove",
    }
