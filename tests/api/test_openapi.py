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

    # The sealing key is for campaigners only (tests/api/test_sealing_key.py).
    assert set(data) == set(schemas["Appeal"]["properties"]) - {"sealing_public_key"}
    assert set(data["demands"][0]) == set(schemas["Demand"]["properties"])
    assert set(data["demands"][0]["targets"][0]) == set(schemas["Target"]["properties"])
    assert set(data["progress"]) == set(schemas["Progress"]["properties"])
    listed = client.get("/api/v1/appeals").get_json()
    assert set(listed) == set(schemas["AppealSummaryPage"]["properties"])
    assert set(listed["items"][0]) == set(schemas["AppealSummary"]["properties"])
    assert "contact_email" not in schemas["Authority"]["properties"]
    assert "contact_email" not in schemas["AuthorityRef"]["properties"]


# --- the document and the answers agree ----------------------------------------------------


def _request_body_description(spec, path: str, method: str) -> str:
    return spec["paths"][path][method]["requestBody"].get("description", "")


def test_authority_objects_carry_kind_as_documented(client, db, spec, make_appeal, api_token):
    appeal = make_appeal()
    authority = appeal.demands[0].targets[0].authority
    body = {
        "authority": authority.slug,
        "occurred_on": "2025-06-05",
        "kind": "official_letter",
        "summary": "A letter.",
        "demands": [appeal.demands[0].id],
    }
    headers = api_token("editor")
    created = client.post(f"/api/v1/appeals/{appeal.slug}/responses", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    documented = set(spec["components"]["schemas"]["AuthorityRef"]["properties"])
    assert "kind" in documented
    listed = client.get(f"/api/v1/appeals/{appeal.slug}/responses").get_json()
    timeline = client.get(f"/api/v1/appeals/{appeal.slug}/timeline").get_json()
    refs = [
        created.get_json()["authority"],
        listed["items"][0]["authority"],
        *(item["authority"] for item in timeline["items"] if item["authority"]),
    ]
    assert len(refs) >= 3
    for ref in refs:
        assert set(ref) == documented
        assert ref["kind"] == authority.kind


#: (method, path, field, words the request body's description states, a body that breaks the
#: rule). Each rule the API enforces beyond the schema's types is written in the document.
STATED_RULES = [
    ("post", "/api/v1/appeals/{slug}/signatures", "email", "valid address",
     {"name": "Aida", "email": "aida@", "country": "KG"}),
    ("post", "/api/v1/appeals/{slug}/signatures", "name", "nor contain a web address",
     {"name": "Visit https://spam.example", "email": "a@example.org", "country": "KG"}),
    ("post", "/api/v1/appeals/{slug}/signatures", "name", "may not start with",
     {"name": "=SUM(1)", "email": "a@example.org", "country": "KG"}),
    ("post", "/api/v1/appeals/{slug}/endorsements", "contact_email", "valid address",
     {"organization_name": "Org", "signatory_name": "A", "contact_email": "nope"}),
    ("post", "/api/v1/appeals/{slug}/endorsements", "signatory_name", "on one line",
     {"organization_name": "Org", "signatory_name": "A\nB", "contact_email": "a@example.org"}),
    ("post", "/api/v1/appeals/{slug}/endorsements", "organization_name", "letters or digits",
     {"organization_name": "!!!", "signatory_name": "A", "contact_email": "a@example.org"}),
    ("post", "/api/v1/authorities", "contact_email", "an address with an @",
     {"name": "Office", "contact_email": "nobody"}),
    ("post", "/api/v1/authorities", "country", "two letters", {"name": "Office", "country": "KGZ"}),
    ("post", "/api/v1/appeals", "signature_goal", "positive whole number",
     {"title": "T", "signature_goal": 0}),
    ("post", "/api/v1/appeals/{slug}/responses", "occurred_on", "not after tomorrow",
     {"authority": "{authority}", "occurred_on": "2999-01-01", "kind": "official_letter",
      "summary": "S", "demands": ["{demand}"]}),
    ("post", "/api/v1/demands/{demand_id}/due", "due_on", "not before the appeal's publication",
     {"authority": "{authority}", "due_on": "1999-01-01"}),
]  # fmt: skip


def _fill(value, known: dict):
    if isinstance(value, str):
        return known[value[1:-1]] if value in ("{authority}", "{demand}") else value
    if isinstance(value, list):
        return [_fill(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, known) for k, v in value.items()}
    return value


def test_the_rules_the_api_enforces_are_stated_in_the_document(
    client, spec, make_appeal, api_token
):
    appeal = make_appeal()
    demand = appeal.demands[0]
    known = {
        "slug": appeal.slug,
        "demand": demand.id,
        "authority": demand.targets[0].authority.slug,
    }
    headers = api_token("editor")
    for method, path, field, words, body in STATED_RULES:
        description = _request_body_description(spec, path, method)
        assert field in description and words in description, (path, field)
        url = path.replace("{slug}", known["slug"]).replace("{demand_id}", str(known["demand"]))
        response = client.open(url, method=method, json=_fill(body, known), headers=headers)
        assert response.status_code == 400, (path, field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (path, field)


def test_a_patch_with_nothing_to_change_answers_400(client, db, spec, make_appeal, api_token):
    appeal = make_appeal(state="draft")
    authority = appeal.demands[0].targets[0].authority
    headers = api_token("editor")
    for path, url in (
        ("/api/v1/appeals/{slug}", f"/api/v1/appeals/{appeal.slug}"),
        ("/api/v1/authorities/{slug}", f"/api/v1/authorities/{authority.slug}"),
    ):
        assert "nothing_to_change" in _request_body_description(spec, path, "patch")
        assert "400" in spec["paths"][path]["patch"]["responses"]
        for body in ({"json": {}}, {}):
            response = client.patch(url, headers=headers, **body)
            assert response.status_code == 400, (url, body)
            assert response.get_json()["error"]["code"] == "nothing_to_change"
    changed = client.patch(
        f"/api/v1/authorities/{authority.slug}", json={"country": "kg"}, headers=headers
    )
    assert changed.status_code == 200 and changed.get_json()["country"] == "KG"


def test_an_address_too_long_answers_414_from_the_app_as_documented(client, spec):
    from campaign.api.common import MAX_REQUEST_TARGET

    assert "414" in spec["info"]["description"]
    assert "HTML" in spec["info"]["description"]  # the server's own answer, beyond its limit
    response = client.get("/api/v1/appeals?page=1&x=" + "a" * MAX_REQUEST_TARGET)
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"
    assert client.get("/api/v1/appeals?x=" + "a" * 4000).status_code == 200
    # The web server's limit is above the app's, so the app answers first.
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["limit_request_line"] > MAX_REQUEST_TARGET
