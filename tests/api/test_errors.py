"""The one JSON error envelope under /api/v1, whatever went wrong."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no/such/thing")
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("delete", "/api/v1/appeals", {"GET", "POST"}),
        ("put", "/api/v1/appeals/some-slug", {"GET", "PATCH"}),
        ("get", "/api/v1/appeals/some-slug/publish", {"POST"}),
        ("delete", "/api/v1/authorities", {"GET", "POST"}),
    ],
)
def test_a_wrong_method_is_a_json_405_with_allow(client, method, path, allowed):
    response = getattr(client, method)(path)

    assert_error(response, 405, "method_not_allowed")
    methods = {m.strip() for m in response.headers["Allow"].split(",")}
    assert allowed <= methods
    assert "DELETE" not in methods


@pytest.mark.parametrize(
    "raw",
    ['{"title": "Unclosed"', "{'title': 'single quotes'}", "", "\xff\xfe"],
    ids=["truncated", "single-quotes", "empty", "not-utf8"],
)
def test_a_malformed_json_body_is_a_400_naming_the_problem(client, db, api_token, raw):
    headers = api_token("editor")
    data = raw.encode("latin-1") if raw == "\xff\xfe" else raw
    response = client.post(
        "/api/v1/appeals", data=data, content_type="application/json", headers=headers
    )

    error = assert_error(response, 400)
    if raw:
        assert error["code"] == "malformed_json"
        assert "not valid JSON" in error["message"]
    else:
        # No body at all: the required fields are missing.
        assert "title" in error["fields"]


def test_the_json_error_says_where(client, api_token):
    response = client.post(
        "/api/v1/appeals",
        data='{"title": "x",}',
        content_type="application/json",
        headers=api_token("editor"),
    )
    message = assert_error(response, 400, "malformed_json")["message"]
    assert "line 1, column 15" in message


def test_a_body_that_is_not_an_object_is_refused(client, api_token):
    response = client.post("/api/v1/appeals", json=["title"], headers=api_token("editor"))
    assert_error(response, 400, "invalid")


def test_a_body_that_is_not_labelled_json_is_415_not_ignored(client, make_appeal, api_token):
    appeal = make_appeal(state="draft")
    response = client.patch(
        f"/api/v1/appeals/{appeal.slug}",
        data='{"title": "Changed"}',
        content_type="text/plain",
        headers=api_token("editor"),
    )

    assert_error(response, 415, "unsupported_media_type")
    data = client.get(f"/api/v1/appeals/{appeal.slug}", headers=api_token("editor")).get_json()
    assert data["title"] == appeal.title


def test_html_pages_keep_their_html_errors(client):
    response = client.get("/appeals/no-such-appeal")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
