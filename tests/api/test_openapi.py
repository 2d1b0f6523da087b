"""The OpenAPI 3 document at /api/v1/openapi.json describes every route, truthfully."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _api_routes(app):
    """(OpenAPI path, method, view function) for every route under /api/v1."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            yield path, method.lower(), app.view_functions[rule.endpoint]


def _takes_a_body(view) -> bool:
    arguments = getattr(view, "_apidoc", {}).get("arguments", {})  # set by @bp.arguments
    return any(p["in"] == "json" for p in arguments.get("parameters", []))


def test_the_document_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_route_is_documented_with_its_responses(app, spec):
    routes = list(_api_routes(app))
    assert len(routes) >= 9
    assert sum(_takes_a_body(view) for _, _, view in routes) >= 4
    for path, method, view in routes:
        operation = spec["paths"].get(path, {}).get(method)
        assert operation is not None, f"{method.upper()} {path} is not documented"
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), (path, method)
        assert "default" in responses
        if _takes_a_body(view):
            body = operation["requestBody"]["content"]["application/json"]["schema"]
            assert "$ref" in body
            assert "400" in responses
        role = getattr(view, "required_role", None)  # set by require_role
        if role is not None:
            assert operation["security"] == [{"bearerAuth": []}], (path, method)
            assert {"401", "403"} <= set(responses), (path, method)


def test_campaigner_calls_and_public_reads_are_told_apart(spec):
    paths = spec["paths"]
    assert "security" not in paths["/api/v1/appeals"]["get"]
    assert paths["/api/v1/appeals"]["post"]["security"] == [{"bearerAuth": []}]
    assert paths["/api/v1/authorities/{slug}"]["patch"]["security"] == [{"bearerAuth": []}]
    # A draft can be read with an editor's token: the token is optional there.
    assert {} in paths["/api/v1/appeals/{slug}"]["get"]["security"]


def test_the_bearer_scheme_and_the_error_envelope_are_described(spec):
    components = spec["components"]
    assert components["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": components["securitySchemes"]["bearerAuth"]["description"],
    }
    error = components["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = components["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"code", "message", "fields"}
    not_found = components["responses"]["NOT_FOUND"]["content"]["application/json"]["schema"]
    assert not_found == {"$ref": "#/components/schemas/Error"}


def test_the_appeal_schema_matches_what_the_api_says(client, spec, make_appeal):
    appeal = make_appeal()
    data = client.get(f"/api/v1/appeals/{appeal.slug}").get_json()
    schemas = spec["components"]["schemas"]

    assert set(data) == set(schemas["Appeal"]["properties"])
    assert set(data["demands"][0]) == set(schemas["Demand"]["properties"])
    assert set(data["demands"][0]["targets"][0]) == set(schemas["Target"]["properties"])
    assert set(data["progress"]) == set(schemas["Progress"]["properties"])
    listed = client.get("/api/v1/appeals").get_json()
    assert set(listed) == set(schemas["AppealSummaryPage"]["properties"])
    assert set(listed["items"][0]) == set(schemas["AppealSummary"]["properties"])
    assert "contact_email" not in schemas["Authority"]["properties"]
    assert "contact_email" not in schemas["AuthorityRef"]["properties"]
