"""Every route, walked from the URL map: campaigners' routes carry require_role and enforce it;
public routes never ask for a role.

A new admin page or campaigner API call without `require_role` fails here, so the check cannot
be forgotten. Routes under /admin that must stay open are listed with a reason."""

from __future__ import annotations

import re

import pytest
from flask.views import MethodView
from werkzeug.routing import FloatConverter, IntegerConverter

from campaign.accounts.models import ROLES
from tests.conftest import PASSWORD

#: Admin routes that are open on purpose.
OPEN_ADMIN_ROUTES = {
    "/admin/login": "the way in: anonymous people must reach it",
    "/admin/logout": "guarded by login_required; any logged-in campaigner may end a session",
}

#: Non-GET API calls anyone may make (same rules as the public forms), as path patterns with
#: every URL parameter written `<>`.
PUBLIC_API_WRITES = {
    "/api/v1/appeals/<>/signatures": "signing is public (rate limited, double opt-in)",
    "/api/v1/appeals/<>/endorsements": "endorsing is public (email confirmation, moderation)",
}

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
DUMMY_ID = 987654


def _pattern(rule) -> str:
    return re.sub(r"<[^>]*>", "<>", rule.rule)


def _methods(rule) -> list[str]:
    return sorted(set(rule.methods or ()) - {"HEAD", "OPTIONS"})


def required_role(app, endpoint: str, method: str) -> str | None:
    """The role require_role set on the function that serves `method` on `endpoint`, looking
    through MethodView classes (flask-smorest) and functools.wraps chains."""
    view = app.view_functions[endpoint]
    candidates = []
    view_class = getattr(view, "view_class", None)
    if view_class is not None and issubclass(view_class, MethodView):
        candidates.append(getattr(view_class, method.lower(), None))
    candidates.append(view)
    for candidate in candidates:
        while candidate is not None:
            role = getattr(candidate, "__dict__", {}).get("required_role")
            if role:
                return role
            candidate = getattr(candidate, "__wrapped__", None)
    return None


def is_campaigner_route(rule, method: str, role: str | None) -> bool:
    if role is not None:
        return True
    if rule.rule.startswith("/admin"):
        return rule.rule not in OPEN_ADMIN_ROUTES
    if rule.rule.startswith("/api/v1") and method not in SAFE_METHODS:
        return _pattern(rule) not in PUBLIC_API_WRITES
    return False


def route_table(app):
    """(rule, method, required role or None, campaigner route?) for every route."""
    table = []
    for rule in app.url_map.iter_rules():
        for method in _methods(rule):
            role = required_role(app, rule.endpoint, method)
            table.append((rule, method, role, is_campaigner_route(rule, method, role)))
    return table


def unguarded_routes(app) -> list[str]:
    return [
        f"{method} {rule.rule}"
        for rule, method, role, campaigner in route_table(app)
        if campaigner and role is None
    ]


# --- the checks ---------------------------------------------------------------------------


def test_every_campaigner_route_carries_require_role(app):
    assert unguarded_routes(app) == []


def test_the_walker_sees_admin_pages_and_api_calls(app):
    table = route_table(app)
    admin = [r for r, _, role, c in table if c and r.rule.startswith("/admin")]
    assert admin, "no admin routes found: the walker is blind"
    assert all(role in ROLES for _, _, role, c in table if c)


def test_a_new_route_without_a_check_is_caught(app):
    """The walker fails for an unguarded admin page, API call and smorest MethodView."""

    class Things(MethodView):
        def get(self):
            return "public list"

        def post(self):
            return "created"

    app.add_url_rule("/admin/naked", "naked_page", lambda: "open")
    app.add_url_rule("/api/v1/naked/<int:ident>", "naked_api", lambda ident: "ok", methods=["POST"])
    app.add_url_rule("/api/v1/things", view_func=Things.as_view("things"))
    assert sorted(unguarded_routes(app)) == [
        "GET /admin/naked",
        "POST /api/v1/naked/<int:ident>",
        "POST /api/v1/things",
    ]


def test_the_walker_reads_roles_through_method_views(app):
    from campaign.accounts.auth import require_role

    class Things(MethodView):
        def get(self):
            return "public list"

        @require_role("editor")
        def post(self):
            return "created"

    app.add_url_rule("/api/v1/things", view_func=Things.as_view("things"))
    assert required_role(app, "things", "POST") == "editor"
    assert required_role(app, "things", "GET") is None
    assert unguarded_routes(app) == []


# --- requests as each kind of visitor -------------------------------------------------------


@pytest.fixture
def fixtures(app, db, make_appeal, make_authority):
    authority = make_authority()
    appeal = make_appeal(authority=authority)
    values = {"appeal": appeal.slug, "authority": authority.slug}
    db.session.commit()  # reading expired attributes began a transaction: end it
    return values


def _url(app, rule, fixtures) -> str:
    values = {}
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if isinstance(converter, IntegerConverter | FloatConverter):
            values[name] = DUMMY_ID
        elif kind == "AnyConverter":
            values[name] = sorted(converter.items)[0]
        elif kind == "UUIDConverter":
            values[name] = "00000000-0000-4000-8000-000000000000"
        elif "authorit" in rule.rule:
            values[name] = fixtures["authority"]
        elif "appeal" in rule.rule:
            values[name] = fixtures["appeal"]
        else:
            values[name] = "dummy"
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method=_methods(rule)[0], force_external=False)


@pytest.fixture
def clients(app, make_user):
    """An anonymous client and one logged-in client (and bearer token) per role."""
    from campaign.accounts.services import issue_token
    from campaign.core.extensions import db

    result = {"anonymous": (app.test_client(), {})}
    for role in ROLES:
        user = make_user(role)
        token = issue_token(user)
        email = user.email
        db.session.commit()
        client = app.test_client()
        with app.app_context():
            response = client.post("/admin/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302
        result[role] = (client, {"Authorization": f"Bearer {token}"})
    return result


def _request(client, method, url, headers):
    """One request in its own app context: the `app` fixture keeps one pushed, and Flask
    would otherwise share `g` (Flask-Login's cached user, g.api_user) between requests."""
    kwargs = {"headers": headers}
    if url.startswith("/api/") and method not in SAFE_METHODS:
        kwargs["json"] = {}
    with client.application.app_context():
        response = client.open(url, method=method, **kwargs)
        response.get_data()  # a streamed body (CSV exports) must finish inside its context
        response.close()
    return response


def test_campaigner_routes_answer_each_role_as_required(app, fixtures, clients):
    checked = 0
    for rule, method, role, campaigner in route_table(app):
        if not campaigner:
            continue
        url = _url(app, rule, fixtures)
        is_api = rule.rule.startswith("/api/")
        where = f"{method} {url}"

        client, headers = clients["anonymous"]
        response = _request(client, method, url, headers)
        if is_api:
            assert response.status_code == 401, where
            assert response.get_json()["error"]["code"] == "unauthorized", where
        else:
            assert response.status_code == 302, where
            assert response.headers["Location"].startswith("/admin/login"), where

        for who in ROLES:
            client, headers = clients[who]
            response = _request(client, method, url, headers if is_api else {})
            allowed = ROLES.index(who) >= ROLES.index(role)
            if allowed:
                assert response.status_code not in (401, 403), f"{who}: {where}"
                assert response.status_code < 500, f"{who}: {where}"
            else:
                assert response.status_code == 403, f"{who}: {where}"
        checked += 1
    assert checked > 0


def test_public_routes_never_ask_for_a_role(app, fixtures):
    client = app.test_client()
    checked = 0
    for rule, method, _role, campaigner in route_table(app):
        if campaigner or (rule.rule in OPEN_ADMIN_ROUTES and method != "GET"):
            continue
        url = _url(app, rule, fixtures)
        response = _request(client, method, url, {})
        where = f"{method} {url}"
        assert response.status_code not in (401, 403), where
        assert "/admin/login" not in response.headers.get("Location", "") or rule.rule.startswith(
            "/admin/login"
        ), where
        checked += 1
    assert checked > 0


def test_the_open_admin_routes_are_what_they_claim(app):
    client = app.test_client()
    with app.app_context():
        assert client.get("/admin/login").status_code == 200
    with app.app_context():
        response = client.post("/admin/logout")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")
