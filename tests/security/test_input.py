"""Input that used to answer 500 (issue #13) answers a clear 4xx and stores nothing: deeply
nested JSON, NUL and unpaired surrogates in API fields, paths and query strings, ids beyond
the integer columns, oversized bodies. Each case runs on SQLite and, in CI, on PostgreSQL.
Forms: tests/security/test_input_forms.py; the admin's raw forms: tests/admin/test_input.py."""

from __future__ import annotations

import json

import click
import pytest

from campaign.authorities.models import Authority
from campaign.core.limits import MAX_INT, MAX_JSON_DEPTH
from campaign.endorsements.models import Endorsement
from campaign.signatures.models import Signature
from tests.api.helpers import assert_error
from tests.stored_text import committed_rows

DEEP = "[" * 100_000 + "]" * 100_000
SIGNER = {"name": "Aida Bekova", "email": "aida@example.org", "country": "KG"}


@pytest.fixture
def appeal(make_appeal, db):
    return make_appeal()


def _post_json(client, url: str, text: str, **kwargs):
    """A body written by hand: json.dumps writes lone surrogates as \\ud800 escapes, which
    is how a client sends them."""
    return client.post(url, data=text, content_type="application/json", **kwargs)


# --- JSON ------------------------------------------------------------------------------------


def test_deeply_nested_json_is_a_400_in_the_envelope(client, api_token, appeal):
    editor = api_token("editor")
    for url, headers in [
        ("/api/v1/appeals", editor),
        (f"/api/v1/appeals/{appeal.slug}/signatures", {}),
        (f"/api/v1/appeals/{appeal.slug}/endorsements", {}),
    ]:
        response = _post_json(client, url, DEEP, headers=headers)
        error = assert_error(response, 400)
        assert "JSON" in error["message"], url


def test_nesting_is_limited_below_the_parsers_own_limit(client, api_token):
    """Past MAX_JSON_DEPTH the body is refused even where Python could still parse it."""
    editor = api_token("editor")
    shallow = json.dumps({"title": "T", "demands": [[[]] * 1]})  # 4 levels: a field error
    assert client.post("/api/v1/appeals", data=shallow, content_type="application/json",
                       headers=editor).get_json()["error"]["code"] == "invalid"  # fmt: skip
    deep = '{"title": "T", "demands": ' + "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH + "}"
    error = assert_error(_post_json(client, "/api/v1/appeals", deep, headers=editor), 400)
    assert error["code"] == "malformed_json"
    assert f"deeper than {MAX_JSON_DEPTH}" in error["message"]


def test_a_number_too_long_to_convert_is_a_400(client, api_token):
    body = '{"title": "T", "signature_goal": ' + "9" * 5000 + "}"
    response = _post_json(client, "/api/v1/appeals", body, headers=api_token("editor"))
    assert assert_error(response, 400)["code"] == "malformed_json"


def test_api_bodies_are_capped_and_answered_in_json(client, api_token, app):
    limit = app.config["API_MAX_CONTENT_LENGTH"]
    assert limit < app.config["MAX_CONTENT_LENGTH"]
    body = json.dumps({"title": "T", "summary": "x" * limit})
    response = _post_json(client, "/api/v1/appeals", body, headers=api_token("editor"))
    assert assert_error(response, 413)["code"] == "too_large"


# --- NUL and unpaired surrogates in fields ---------------------------------------------------


@pytest.mark.parametrize("value", ["a\\u0000b", "a\\ud800b", "a\\udfffb"])
@pytest.mark.parametrize(
    "path, body, field",
    [
        ("/signatures", SIGNER, "name"),
        ("/signatures", SIGNER, "city"),
        ("/signatures", SIGNER, "email"),
        ("/endorsements", {"signatory_name": "A", "contact_email": "a@kloop.kg"},
         "organization_name"),
        ("/endorsements", {"organization_name": "Kloop", "contact_email": "a@kloop.kg"},
         "signatory_name"),
    ],
)  # fmt: skip
def test_public_writes_refuse_unstorable_text(client, db, appeal, value, path, body, field):
    text = json.dumps(body)[:-1] + f', "{field}": "{value}"}}'
    response = _post_json(client, f"/api/v1/appeals/{appeal.slug}{path}", text)
    assert field in assert_error(response, 400, "invalid")["fields"]
    assert committed_rows(Signature) == 0 and committed_rows(Endorsement) == 0


@pytest.mark.parametrize("value", ["Office\\u0000", "Office\\ud800"])
def test_authority_names_refuse_unstorable_text(client, db, api_token, value):
    text = '{"name": "' + value + '"}'
    response = _post_json(client, "/api/v1/authorities", text, headers=api_token("editor"))
    assert "name" in assert_error(response, 400, "invalid")["fields"]
    assert committed_rows(Authority) == 0


# --- paths and query strings -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/appeals/a%00b",
        "/appeals/a%00b/tracker",
        "/authorities/a%00b",
        "/organizations/a%00b",
        "/api/v1/appeals/a%00b",
        "/api/v1/appeals/a%00b/timeline",
        "/api/v1/authorities/a%00b",
    ],
)
def test_nul_in_a_path_is_a_404(client, appeal, path):
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert_error(response, 404, "not_found")


def test_nul_in_a_query_string_is_a_400(client, appeal):
    assert client.get(f"/appeals/{appeal.slug}?lang=%00").status_code == 400
    error = assert_error(client.get("/api/v1/appeals?page=1%00"), 400, "invalid")
    assert "page" in error["fields"]


# --- ids beyond the integer columns ----------------------------------------------------------


# 4,000 digits: within the longest address the app takes (longer is 414, tests/api).
@pytest.mark.parametrize("number", [str(MAX_INT + 1), "9" * 20, "9" * 4000])
def test_ids_beyond_the_integer_columns_match_no_route(client, api_token, appeal, number):
    moderator, editor = api_token("moderator"), api_token("editor")
    for path, headers in [
        (f"/api/v1/endorsements/{number}/approve", moderator),
        (f"/api/v1/endorsements/{number}/reject", moderator),
        (f"/api/v1/demands/{number}/status", editor),
        (f"/api/v1/status-changes/{number}/retract", editor),
    ]:
        assert_error(client.post(path, json={}, headers=headers), 404, "not_found")
    assert client.get(f"/appeals/{appeal.slug}/updates/{number}").status_code == 404


def test_the_largest_id_is_still_looked_up(client, api_token):
    """MAX_INT itself routes (and finds nothing): the bound is the column's, not lower."""
    response = client.post(f"/api/v1/endorsements/{MAX_INT}/approve",
                           headers=api_token("moderator"))  # fmt: skip
    error = assert_error(response, 404)
    assert error["message"] == "No such endorsement."


@pytest.mark.parametrize("number", [MAX_INT + 1, 10**20, -1])
def test_ids_in_bodies_beyond_the_integer_columns_are_a_400(client, api_token, appeal, number):
    editor = api_token("editor")
    demand = appeal.demands[0]
    body = {"authority": "x", "status": "met", "note": "n", "response": number}
    error = assert_error(
        client.post(f"/api/v1/demands/{demand.id}/status", json=body, headers=editor), 400
    )
    assert "response" in error["fields"]
    patch = {"demands": [{"id": number, "text": "T"}]}
    error = assert_error(client.patch(f"/api/v1/appeals/{appeal.slug}", json=patch,
                                      headers=editor), 400)  # fmt: skip
    assert "demands" in error["fields"]


def test_open_data_answers_its_json_envelope_to_nul_too(client, appeal):
    """The open data routes are in the OpenAPI document and answer JSON errors."""
    assert_error(client.get("/appeals/a%00b/stats.json"), 404, "not_found")
    error = assert_error(client.get(f"/appeals/{appeal.slug}/stats.csv?from=%00"), 400)
    assert "from" in error["fields"]


# --- command-line arguments ------------------------------------------------------------------


def _commands(group, path=()):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_refuses_an_argument_that_is_not_text(app, runner):
    """Bytes that are not UTF-8 in argv arrive as unpaired surrogates: a usage error with a
    one-line message (exit 2), not a traceback from the database driver."""
    checked = 0
    for path, command in _commands(app.cli):
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        if not arguments or any(p.type.name != "text" for p in arguments):
            continue
        options = []
        for option in command.params:
            if isinstance(option, click.Option) and option.required:
                choices = getattr(option.type, "choices", None) or ["x"]
                options += [option.opts[0], choices[0]]
        for hostile in arguments:
            args = ["a\udcffb" if p is hostile else "x" for p in arguments]
            result = runner.invoke(args=[*path, *options, *args], input="a long password\n")
            assert result.exit_code == 2, (path, result.output)
            assert "is not valid text" in result.output, path
            checked += 1
    assert checked >= 3  # export signatures / endorsements, users create, users token, ...
