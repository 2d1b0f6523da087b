"""The appeal page served from the cache: each visitor still gets their own CSRF token, counts
are never stale, campaigners and visitors with query arguments get a fresh render, and a
browser revalidates with a 304."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaign.signatures.counting import bump_signature_count, signature_count
from tests.signatures.helpers import form

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config(app_config):
    return {**app_config, "APPEAL_PAGE_CACHE_SECONDS": 30, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def queries(db):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    yield statements
    sa.event.remove(db.engine, "before_cursor_execute", count)


def test_each_visitor_gets_their_own_token_from_the_cached_page(app, db, make_appeal, queries):
    appeal = make_appeal()
    first, second = app.test_client(), app.test_client()
    page1 = first.get(f"/appeals/{appeal.slug}")
    queries.clear()
    page2 = second.get(f"/appeals/{appeal.slug}")
    # Served from the cache: the appeal row and the count, not demands, signers, endorsers.
    assert len(queries) <= 3, queries
    token1, token2 = (
        TOKEN.findall(page1.get_data(as_text=True)),
        TOKEN.findall(page2.get_data(as_text=True)),
    )
    assert token1 and token2 and set(token1).isdisjoint(token2)
    assert page1.headers["Cache-Control"] == "private, max-age=30"
    # The second visitor's token signs for the second visitor, and not for the first.
    url = f"/appeals/{appeal.slug}/sign"
    assert first.post(url, data={**form(), "csrf_token": token2[0]}).status_code == 400
    assert second.post(url, data={**form(), "csrf_token": token2[0]}).status_code == 303


def test_the_count_is_never_stale(client, db, make_appeal):
    appeal = make_appeal()
    assert ">0<" in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True).replace(" ", "")
    bump_signature_count(appeal.id, 7)
    db.session.commit()
    assert signature_count(appeal.id) == 7
    html = client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    assert re.search(r">\s*7\s*<", html)


def test_a_browser_revalidates_with_a_304(client, make_appeal):
    appeal = make_appeal()
    page = client.get(f"/appeals/{appeal.slug}")
    etag = page.headers["ETag"]
    again = client.get(f"/appeals/{appeal.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(f"/appeals/{appeal.slug}", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200


def test_an_edited_appeal_is_shown_at_once(client, db, make_appeal):
    appeal = make_appeal(title="Before the edit")
    assert "Before the edit" in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)
    from campaign.appeals.services import update_appeal

    update_appeal(None, appeal, title="After the edit")
    db.session.commit()
    assert "After the edit" in client.get(f"/appeals/{appeal.slug}").get_data(as_text=True)


class TestOwnRender:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": False}  # the login fixture posts no token

    def test_campaigners_and_query_arguments_get_their_own_render(self, client, make_appeal, login):
        appeal = make_appeal()
        client.get(f"/appeals/{appeal.slug}")  # fills the cache
        shared = client.get(f"/appeals/{appeal.slug}?ref=telegram").get_data(as_text=True)
        assert re.search(r'name="ref" type="hidden" value="telegram"', shared)
        assert "Cache-Control" not in client.get(f"/appeals/{appeal.slug}?ref=x").headers
        login("editor")
        page = client.get(f"/appeals/{appeal.slug}")
        assert "ETag" not in page.headers
        assert "/admin" in page.get_data(as_text=True)
