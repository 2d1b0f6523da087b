"""The JSON API fuzzed from its own OpenAPI document: every public GET operation answers
without a 5xx, with the status codes, content types and bodies its schema declares.

It walks whatever the document lists, so each API route is covered as soon as it lands.
Campaigner operations (require_role) are left to tests/test_access_control.py."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.stored_text import bad_stored_text
from tests.test_access_control import required_role

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 25


def _openapi_path(rule: str) -> str:
    """/api/v1/appeals/<slug> and /api/v1/x/<int:id> as OpenAPI writes them: {slug}, {id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def public_get_operations(app, schema) -> list:
    guarded = {
        _openapi_path(rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and required_role(app, rule.endpoint, "GET")
    }
    operations = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "GET" and operation.path not in guarded:
            operations.append(operation)
    return operations


def _known_values(app, make_appeal, make_authority) -> dict:
    """Real identifiers, so some generated requests hit existing rows, not only 404s; the
    appeal has a response, so the responses and the timeline carry authority objects."""
    import datetime as dt

    from campaign.responses.services import record_response

    authority = make_authority()
    appeal = make_appeal(authority=authority)
    record_response(
        None, appeal, authority=authority, occurred_on=dt.date(2025, 6, 5),
        kind="official_letter", summary="A letter.", demands=[appeal.demands[0].id],
    )  # fmt: skip
    return {"slug": appeal.slug, "authority": authority.slug, "id": 1}


#: schemathesis reads bodies as they come: ask for them uncompressed (campaign.core.assets).
UNCOMPRESSED = {"Accept-Encoding": "identity"}


def fuzz(app, operation, known: dict) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy())
    def run(case):
        with app.app_context():  # a fresh g per request, as in production
            response = case.call(headers=UNCOMPRESSED)
        case.validate_response(response, checks=CHECKS)

    run()
    names = [p.name for p in operation.path_parameters]
    if names:
        values = {name: known.get(name, known["slug"]) for name in names}
        case = operation.Case(path_parameters=values)
        with app.app_context():
            response = case.call(headers=UNCOMPRESSED)
        case.validate_response(response, checks=CHECKS)


def test_the_openapi_document_loads(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    assert schema.raw_schema["openapi"].startswith("3.")
    assert schema.raw_schema["info"]["title"] == "Answerable API"


def test_public_get_operations_hold_to_their_schema(app, db, make_appeal, make_authority):
    known = _known_values(app, make_appeal, make_authority)
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = public_get_operations(app, schema)
    if not operations:
        pytest.skip("the OpenAPI document lists no public GET operation yet")
    for operation in operations:
        fuzz(app, operation, known)


# --- every operation, as a campaigner, with data inside and outside the schema -----------------

#: Examples per operation and generation mode.
ALL_EXAMPLES = 12
MODES = {
    # Data within the schema: never a 5xx.
    "positive": (GenerationMode.POSITIVE, [not_a_server_error]),
    # Data the schema refuses (strings past maxLength, integers past maximum, wrong types,
    # unknown fields): a 4xx, never a success or a 5xx.
    "negative": (GenerationMode.NEGATIVE, [not_a_server_error, negative_data_rejection]),
}


def all_operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.parametrize("mode", sorted(MODES))
def test_every_operation_answers_as_its_schema_says_without_a_5xx(
    app, db, make_appeal, make_authority, api_token, mode
):
    """Every operation, campaigner calls included (an admin's token lets every role check
    through), leaves no unstorable text behind either."""
    _known_values(app, make_appeal, make_authority)
    headers = api_token("admin")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = all_operations(schema)
    assert len(operations) >= 20
    generation_mode, checks = MODES[mode]
    for operation in operations:
        fuzz_one(app, operation, generation_mode, headers, checks)
        assert bad_stored_text() == [], operation.label


def fuzz_one(app, operation, mode, headers: dict, checks: list) -> None:
    @settings(
        max_examples=ALL_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode, headers=headers))
    def run(case):
        with app.app_context():
            response = case.call(headers=UNCOMPRESSED)
        case.validate_response(response, checks=checks)

    try:
        run()
    except Unsatisfiable:
        # Nothing in this operation can be made invalid (a path with one string parameter).
        assert mode == GenerationMode.NEGATIVE, operation.label
