"""Security headers, HTTPS behind trusted proxies only, and the session cookie's flags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import g

from campaign import create_app
from campaign.core.headers import NO_REFERRER_PREFIXES
from campaign.core.net import client_address
from tests.conftest import PASSWORD

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _csp(response) -> dict[str, str]:
    parts = (p.strip() for p in response.headers["Content-Security-Policy"].split(";"))
    return dict(p.split(" ", 1) for p in parts if p)


def test_strict_csp_without_inline_script_and_no_framing(client):
    response = client.get("/")
    csp = _csp(response)
    assert csp["script-src"] == "'self'"
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert _csp(response)["frame-ancestors"] == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_view_that_allows_framing_gets_frame_ancestors_star(app, client):
    def embed():
        g.allow_framing = True
        return "embed"

    app.add_url_rule("/test-embed", "test_embed", embed)
    response = client.get("/test-embed")
    assert _csp(response)["frame-ancestors"] == "*"
    assert "X-Frame-Options" not in response.headers
    with app.app_context():  # g is per request in production; give this one its own
        assert _csp(client.get("/"))["frame-ancestors"] == "'none'"


def test_templates_have_no_inline_script_or_event_handlers():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text, re.I):
            assert "src=" in match.group(1), f"inline <script> in {path}"
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"event handler attribute in {path}"
        assert "javascript:" not in text.lower(), f"javascript: URL in {path}"


@pytest.mark.parametrize(
    "path",
    [
        "/admin",
        "/admin/login",
        "/admin/",
        "/confirm/some-token",
        "/withdraw/some-token",
        "/endorsements/confirm/some-token",
        "/endorsements/withdraw/some-token",
        "/unsubscribe/some-token",
        "/my-data/some-token",
        "/issuers/approve/some-token",
    ],
)
def test_no_referrer_on_admin_and_token_pages(client, path):
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"


def test_every_token_prefix_is_covered_by_the_parametrized_test():
    assert set(NO_REFERRER_PREFIXES) == {
        "/admin/",
        "/confirm/",
        "/withdraw/",
        "/endorsements/confirm/",
        "/endorsements/withdraw/",
        "/issuers/approve/",
        "/unsubscribe/",
        "/my-data/",
    }


@pytest.mark.parametrize("path", ["/", "/appeals/some-appeal", "/healthz", "/administrators"])
def test_same_origin_referrer_elsewhere(client, path):
    assert client.get(path).headers["Referrer-Policy"] == "same-origin"


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_over_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_proto_is_ignored_without_trusted_proxies(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


@pytest.fixture
def proxied_app(app_config):
    proxied = create_app("testing", **app_config, TRUSTED_PROXIES=1)

    @proxied.route("/test-client-address")
    def whoami():
        return client_address()

    yield proxied
    from campaign.core.extensions import db

    with proxied.app_context():
        db.engine.dispose()


def test_forwarded_headers_are_believed_behind_a_trusted_proxy(proxied_app):
    client = proxied_app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with proxied_app.app_context():
        response = client.get("/", headers=headers)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with proxied_app.app_context():
        response = client.get("/test-client-address", headers=headers)
    assert response.get_data(as_text=True) == "203.0.113.7"


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax(app, client, make_user):
    user = make_user("editor")
    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development and tests


def test_session_cookie_is_secure_in_production(app_config, make_user):
    user = make_user("editor")
    email = user.email
    from campaign.core.extensions import db

    db.session.commit()
    production = create_app("production", **app_config, SECRET_KEY="x" * 40, WTF_CSRF_ENABLED=False)
    assert production.config["SESSION_COOKIE_SECURE"] is True
    client = production.test_client()
    with production.app_context():
        response = client.post(
            "/admin/login",
            data={"email": email, "password": PASSWORD},
            base_url="https://localhost",
        )
        assert response.status_code == 302
        cookie = _session_cookie(response)
    with production.app_context():
        db.engine.dispose()
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
