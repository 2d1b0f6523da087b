"""/admin: which share channel brought how many confirmed, unflagged signatures."""

from __future__ import annotations

import itertools
import re

import pytest

from campaign.core.database import utcnow
from campaign.signatures.models import Signature

_seq = itertools.count(1)


def _sign(db, appeal, ref, state="confirmed", flagged=None):
    n = next(_seq)
    db.session.add(
        Signature(
            appeal_id=appeal.id,
            name=f"Signer {n}",
            email=f"signer{n}@example.org",
            email_key=f"signer{n}@example.org",
            country="KG",
            state=state,
            confirmed_at=utcnow() if state in ("confirmed", "withdrawn", "invalidated") else None,
            ref=ref,
            flagged=flagged,
        )
    )


def _table(html: str) -> dict[str, int]:
    """{data-ref: count} of the channel table."""
    rows = re.findall(r'<tr data-ref="([^"]*)"><td>[^<]*</td><td class="num">(\d+)</td>', html)
    return {ref: int(count) for ref, count in rows}


@pytest.fixture
def appeal(make_appeal, db):
    appeal = make_appeal(title="Free the reporters")
    for _ in range(3):
        _sign(db, appeal, "telegram")
    _sign(db, appeal, "whatsapp")
    _sign(db, appeal, "whatsapp")
    _sign(db, appeal, None)
    _sign(db, appeal, "other")
    # None of these count:
    _sign(db, appeal, "telegram", flagged="rate limit")
    _sign(db, appeal, "telegram", state="pending")
    _sign(db, appeal, "vk", state="withdrawn")
    _sign(db, appeal, "vk", state="invalidated")
    _sign(db, appeal, "qr", state="pending")
    db.session.commit()
    return appeal


def test_channel_table_counts_only_confirmed_unflagged_signatures(client, login, appeal, db):
    login("moderator")
    response = client.get(f"/admin/appeals/{appeal.slug}/channels")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _table(html) == {"telegram": 3, "whatsapp": 2, "": 1, "other": 1}
    assert list(_table(html)) == ["telegram", "whatsapp", "", "other"]  # most first
    assert "Direct (no share link)" in html
    assert re.search(r'Total</th><td class="num">7</td>', html)
    assert "signer1@example.org" not in html


def test_other_appeals_signatures_are_not_counted(client, login, appeal, make_appeal, db):
    second = make_appeal(title="Another appeal")
    _sign(db, second, "telegram")
    db.session.commit()
    login("moderator")
    html = client.get(f"/admin/appeals/{second.slug}/channels").get_data(as_text=True)
    assert _table(html) == {"telegram": 1}


def test_channel_overview_lists_appeals_and_is_in_the_menu(client, login, appeal, make_appeal):
    draft = make_appeal(title="Draft appeal", state="draft")
    login("moderator")
    html = client.get("/admin/channels").get_data(as_text=True)
    assert f'href="/admin/appeals/{appeal.slug}/channels"' in html
    assert f'href="/admin/appeals/{draft.slug}/channels"' in html
    assert 'href="/admin/channels"' in client.get("/admin/").get_data(as_text=True)


def test_an_appeal_without_signatures_says_so(client, login, make_appeal):
    appeal = make_appeal(state="draft")
    login("moderator")
    html = client.get(f"/admin/appeals/{appeal.slug}/channels").get_data(as_text=True)
    assert "No confirmed signatures yet." in html


def test_channel_pages_need_a_campaigner(client, appeal):
    for path in (f"/admin/appeals/{appeal.slug}/channels", "/admin/channels"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/login" in response.headers["Location"]


def test_unknown_appeal_is_404(client, login):
    login("moderator")
    assert client.get("/admin/appeals/no-such-appeal/channels").status_code == 404
