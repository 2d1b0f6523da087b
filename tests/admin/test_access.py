"""Who may see and change what on the campaigners' pages."""

from __future__ import annotations

import pytest

from campaign.appeals.queries import get_appeal_by_slug


@pytest.fixture
def appeal(make_appeal):
    return make_appeal(title="Guarded", state="draft")


def _editor_requests(appeal):
    demand = appeal.demands[0].id
    slug = appeal.slug
    return [
        ("get", "/admin/appeals/new", None),
        ("post", "/admin/appeals/new", {"title": "Sneaky", "language": "en"}),
        ("get", f"/admin/appeals/{slug}/edit", None),
        ("post", f"/admin/appeals/{slug}/edit", {"title": "Sneaky", "language": "en"}),
        ("post", f"/admin/appeals/{slug}/publish", {}),
        ("get", f"/admin/appeals/{slug}/close", None),
        ("post", f"/admin/appeals/{slug}/close", {}),
        ("post", f"/admin/appeals/{slug}/reopen", {}),
        ("get", f"/admin/appeals/{slug}/archive", None),
        ("post", f"/admin/appeals/{slug}/archive", {}),
        ("get", f"/admin/appeals/{slug}/demands/new", None),
        ("post", f"/admin/appeals/{slug}/demands/new", {"text": "x"}),
        ("get", f"/admin/appeals/{slug}/demands/{demand}/edit", None),
        ("post", f"/admin/appeals/{slug}/demands/{demand}/edit", {"text": "x"}),
        ("post", f"/admin/appeals/{slug}/demands/{demand}/remove", {}),
        ("post", f"/admin/appeals/{slug}/demands/{demand}/move", {"direction": "down"}),
        ("get", "/admin/authorities/new", None),
        ("post", "/admin/authorities/new", {"name": "Sneaky", "kind": "other"}),
    ]


def test_a_moderator_reads_but_gets_403_on_editor_actions(db, client, login, appeal):
    login("moderator")
    for url in ("/admin/", "/admin/appeals", f"/admin/appeals/{appeal.slug}",
                f"/admin/appeals/{appeal.slug}/preview", "/admin/authorities"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    overview = client.get(f"/admin/appeals/{appeal.slug}").get_data(as_text=True)
    assert "Publish" not in overview and "Add a demand" not in overview
    for method, url, data in _editor_requests(appeal):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 403, (method, url)
    db.session.expire_all()
    stored = get_appeal_by_slug(appeal.slug)
    assert (stored.title, stored.state, len(stored.demands)) == ("Guarded", "draft", 2)


def test_anonymous_is_sent_to_the_login_page(client, appeal):
    urls = ["/admin/", "/admin/appeals", f"/admin/appeals/{appeal.slug}",
            f"/admin/appeals/{appeal.slug}/preview", "/admin/authorities"]  # fmt: skip
    requests = [("get", url, None) for url in urls] + _editor_requests(appeal)
    for method, url, data in requests:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/admin/login"), url


def test_an_editor_sees_the_actions(client, login, appeal):
    login("editor")
    overview = client.get(f"/admin/appeals/{appeal.slug}").get_data(as_text=True)
    assert "Publish" in overview and "Add a demand" in overview and "Move down" in overview


def test_admin_nav_links_the_sections(client, login):
    login("moderator")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/appeals"' in page and 'href="/admin/authorities"' in page
