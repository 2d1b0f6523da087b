"""The admin's search, filters, page numbers and the forms its views read directly (without a
form class): what no database stores is refused, never a 500 (it was one on PostgreSQL)."""

from __future__ import annotations

import pytest

from campaign.signatures.models import BlockedEmailDomain
from tests.stored_text import bad_stored_text, committed_rows


@pytest.fixture
def appeal(make_appeal, db):
    return make_appeal()


def test_the_blocklist_form_refuses_an_unstorable_reason_beside_the_field(client, db, login):
    login("moderator")
    response = client.post(
        "/admin/blocklists/add", data={"kind": "domain", "domain": "spam.example", "reason": "\x00"}
    )
    assert response.status_code == 400
    assert "This text holds characters that cannot be stored." in response.get_data(as_text=True)
    assert committed_rows(BlockedEmailDomain) == 0


def test_the_admin_search_and_filters_refuse_nul(client, db, login, appeal):
    login("admin")
    slug = appeal.slug
    for url in [
        f"/admin/appeals/{slug}/signatures?q=%00",
        f"/admin/appeals/{slug}/signatures?domain=a%00b",
        f"/admin/appeals/{slug}/signatures.csv?q=%00",
        "/admin/audit?action=%00",
        "/admin/audit?user=a%00&subject=b%00",
    ]:
        assert client.get(url).status_code == 400, url
    # The invalidation step takes its filter from the form as well as the query string.
    response = client.post(f"/admin/appeals/{slug}/signatures/invalidate", data={"q": "\x00"})
    assert response.status_code < 500
    assert bad_stored_text() == []


def test_page_numbers_beyond_any_list_are_a_404(client, login, appeal):
    login("admin")
    for url in [f"/admin/appeals/{appeal.slug}/signatures", "/admin/audit"]:
        assert client.get(url + "?page=1").status_code == 200, url
        for page in ["99999999999999999999", "0", "x", "²"]:
            assert client.get(f"{url}?page={page}").status_code == 404, (url, page)


def test_invalidation_ignores_ids_that_are_not_ids(client, db, login, appeal):
    login("moderator")
    response = client.post(
        f"/admin/appeals/{appeal.slug}/signatures/invalidate",
        data={"ids": ["²", str(10**20), "١٢"], "reason": "spam", "confirm": "1"},
    )
    assert response.status_code < 500
