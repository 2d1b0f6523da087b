"""With CSRF protection on (as in production), every admin form carries its token and a
POST without one changes nothing."""

from __future__ import annotations

import re

import pytest

from campaign.appeals.queries import get_appeal_by_slug
from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_admin_posts_need_the_csrf_token(db, client, make_user, make_appeal):
    user = make_user("editor")
    appeal = make_appeal(state="draft")
    slug = appeal.slug
    login_page = client.get("/admin/login").get_data(as_text=True)
    assert client.post(
        "/admin/login", data={"email": user.email, "password": PASSWORD}
    ).status_code == 400  # fmt: skip
    response = client.post(
        "/admin/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": _token(login_page)},
    )
    assert response.status_code == 302

    overview = client.get(f"/admin/appeals/{slug}").get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", overview, re.S)
    assert len(forms) >= 4  # publish, log out, and each demand's move and remove
    assert all('name="csrf_token"' in form for form in forms)

    assert client.post(f"/admin/appeals/{slug}/publish").status_code == 400
    assert (
        client.post(f"/admin/appeals/{slug}/demands/{appeal.demands[0].id}/remove").status_code
        == 400
    )
    db.session.expire_all()
    assert get_appeal_by_slug(slug).state == "draft"
    assert len(get_appeal_by_slug(slug).demands) == 2

    response = client.post(f"/admin/appeals/{slug}/publish", data={"csrf_token": _token(overview)})
    assert response.status_code == 302
    db.session.expire_all()
    assert get_appeal_by_slug(slug).state == "published"

    for url in ("/admin/appeals/new", f"/admin/appeals/{slug}/edit",
                f"/admin/appeals/{slug}/demands/new", "/admin/authorities/new"):  # fmt: skip
        assert 'name="csrf_token"' in client.get(url).get_data(as_text=True), url


def test_every_admin_view_requires_a_role(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            view = app.view_functions[rule.endpoint]
            assert getattr(view, "required_role", None) in ("moderator", "editor", "admin"), rule
