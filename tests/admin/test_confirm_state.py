"""Closing and archiving ask first, on their own page, with the numbers; the GET acts on
nothing, the POST from its button does."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from campaign.appeals.models import Appeal
from campaign.core.database import utcnow
from campaign.core.dates import spell_date
from campaign.signatures.counting import bump_signature_count
from campaign.signatures.models import Signature


def _state(db, slug: str) -> str:
    db.session.rollback()
    return db.session.scalar(sa.select(Appeal.state).where(Appeal.slug == slug))


def _signer(appeal, number: int, state: str) -> Signature:
    email = f"s{number}@example.org"
    return Signature(
        appeal_id=appeal.id, name=f"Signer {number}", email=email, email_key=email,
        country="KG", state=state, confirmed_at=utcnow() if state == "confirmed" else None,
    )  # fmt: skip


def test_close_shows_what_will_happen_and_the_get_does_nothing(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(retention_days=30)
    slug = appeal.slug
    db.session.add_all([_signer(appeal, 1, "confirmed"), _signer(appeal, 2, "pending"),
                        _signer(appeal, 3, "pending")])  # fmt: skip
    bump_signature_count(appeal.id, 1)
    db.session.commit()

    show = client.get(f"/admin/appeals/{slug}").get_data(as_text=True)
    assert f'href="/admin/appeals/{slug}/close"' in show
    assert f'action="/admin/appeals/{slug}/close"' not in show  # no one-click button

    page = client.get(f"/admin/appeals/{slug}/close")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-signatures="1" data-pending="2"' in body
    assert "Its 1 signature stays counted." in body
    assert "2 people have signed but not confirmed yet" in body
    assert "erased 30 days after closing" in body
    assert _state(db, slug) == "published"

    done = client.post(f"/admin/appeals/{slug}/close", follow_redirects=True)
    assert "no longer takes signatures" in done.get_data(as_text=True)
    assert _state(db, slug) == "closed"
    # Closed: the page says it cannot be closed again, with no button.
    again = client.get(f"/admin/appeals/{slug}/close").get_data(as_text=True)
    assert "Only a published appeal can be closed" in again
    assert f'action="/admin/appeals/{slug}/close"' not in again


def test_archive_asks_first_with_the_erasure_date(db, client, login, make_appeal):
    login("editor")
    appeal = make_appeal(state="closed", retention_days=10)
    slug, closed_on = appeal.slug, appeal.closed_at.date()
    show = client.get(f"/admin/appeals/{slug}").get_data(as_text=True)
    assert f'href="/admin/appeals/{slug}/archive"' in show
    body = client.get(f"/admin/appeals/{slug}/archive").get_data(as_text=True)
    assert "Archiving cannot be undone." in body and "erased 10 days after closing" in body
    assert spell_date(closed_on + dt.timedelta(days=10), "en") in body
    assert _state(db, slug) == "closed"
    assert client.post(f"/admin/appeals/{slug}/archive").status_code == 302
    assert _state(db, slug) == "archived"
    assert "Close the appeal before archiving" in client.get(
        f"/admin/appeals/{slug}/archive"
    ).get_data(as_text=True)
