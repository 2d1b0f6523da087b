"""Whatever a client sends, the answer is a success or a JSON 4xx, never a crash, and nothing
stored breaks the database's rules (tests/stored_text.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.core.limits import MAX_INT, MAX_JSON_DEPTH
from tests.stored_text import bad_stored_text

#: What used to answer 500 or be stored silently: NUL, unpaired surrogates, text past every
#: limit but the Markdown bodies', integers past the integer columns.
hostile_text = st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfffy", "ж" * 20_001]) | st.text(
    st.characters(codec=None, categories=["Cs", "Cc", "L"]), max_size=12
)
hostile_ints = st.integers(min_value=MAX_INT - 1, max_value=2**70) | st.integers(max_value=-1)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | hostile_ints
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | hostile_text
    | st.sampled_from(["2027-01-01", "2027-01-01T10:00:00Z", "authority", "0001-01-01"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)

target = st.fixed_dictionaries(
    {}, optional={"authority": st.just("parliament") | json_values, "due_on": json_values}
)
demand = st.fixed_dictionaries(
    {},
    optional={
        "id": st.integers(min_value=-2, max_value=5) | json_values,
        "text": st.text(max_size=30) | json_values,
        "targets": st.lists(target, max_size=3) | json_values,
    },
)
appeal_body = st.fixed_dictionaries(
    {},
    optional={
        "title": st.text(max_size=40) | json_values,
        "summary": st.text(max_size=40) | json_values,
        "body": st.text(max_size=40) | json_values,
        "language": st.sampled_from(["en", "ky", "ru-KG", "xx-YYYYY"]) | json_values,
        "signature_goal": st.integers() | json_values,
        "closes_at": st.datetimes().map(lambda d: d.isoformat()) | json_values,
        "issued_on": st.dates().map(str) | json_values,
        "demands": st.lists(demand, max_size=4) | json_values,
    },
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def setup(api_token, make_authority, make_appeal):
    make_authority("Parliament")
    appeal = make_appeal(demands=3, state="draft")
    return api_token("editor"), appeal.slug


def _check(response, ok: set[int]):
    assert response.status_code in ok | {400}, response.get_data(as_text=True)
    assert response.is_json
    if response.status_code == 400:
        assert response.get_json()["error"]["message"]
    assert bad_stored_text() == []


@FUZZ
@given(body=appeal_body | json_values)
def test_creating_never_crashes(client, setup, body):
    headers, _ = setup
    _check(client.post("/api/v1/appeals", json=body, headers=headers), {201})


@FUZZ
@given(body=appeal_body | json_values)
def test_editing_never_crashes(client, setup, body):
    headers, slug = setup
    _check(client.patch(f"/api/v1/appeals/{slug}", json=body, headers=headers), {200})


signature_body = st.fixed_dictionaries(
    {
        "name": st.just("Aida Bekova") | hostile_text | json_values,
        "email": st.just("aida@example.org") | hostile_text | json_values,
        "country": st.just("KG") | hostile_text | json_values,
    },
    optional=dict.fromkeys(
        ("city", "public_name", "wants_updates", "ref", "language", "website"),
        hostile_text | json_values,
    ),
)


@FUZZ
@given(body=signature_body | json_values)
def test_signing_never_crashes(client, setup, make_appeal, body):
    appeal = make_appeal()
    _check(client.post(f"/api/v1/appeals/{appeal.slug}/signatures", json=body), {202})


@FUZZ
@given(
    # A query string cannot carry an unpaired surrogate (it is UTF-8, decoded with U+FFFD).
    page=st.text(max_size=6) | st.integers().map(str) | st.sampled_from(["\x00", "1\x00"]),
    per_page=st.integers().map(str) | hostile_ints.map(str),
)
def test_paging_never_crashes(client, page, per_page):
    response = client.get("/api/v1/appeals", query_string={"page": page, "per_page": per_page})
    _check(response, {200})


# --- every operation of the OpenAPI document, with what used to answer 500 --------------------
#
# Walks /api/v1/openapi.json: every path parameter gets NUL and ids beyond the integer columns,
# every query parameter NUL (and integers beyond any bound), and every operation taking a body
# gets deeply nested JSON, then each of its string properties (nested ones too) NUL, an
# unpaired surrogate and one character past its maxLength, and each integer property a value
# past the integer columns. Each answer is the JSON envelope: 404 for a path, 400 naming the
# field otherwise; never a 5xx. A new operation or field is covered as soon as it is documented.

#: String properties of request bodies that may go without maxLength, and why.
UNBOUNDED_STRINGS = {"body": "a Markdown body: its limit lives with the Markdown rendering"}
#: String formats parsed into something else (the parser refuses long or odd input).
PARSED_FORMATS = {"date", "date-time"}
TOO_DEEP = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)


def _spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _properties(spec: dict, schema: dict, path: tuple = ()):
    """(path, property schema) for every scalar property; `0` in a path is an array item."""
    schema = _resolve(spec, schema)
    if schema.get("type") == "array":
        yield from _properties(spec, schema["items"], (*path, 0))
    elif schema.get("type") == "object" or "properties" in schema:
        for name, prop in schema.get("properties", {}).items():
            yield from _properties(spec, prop, (*path, name))
    else:
        yield path, schema


def _body(path: tuple, value):
    """A body holding `value` at `path` (and nothing else: the other fields' errors do not
    matter, the one asked about must be named)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    return [_body(rest, value)] if head == 0 else {head: _body(rest, value)}


def api_operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


@pytest.fixture
def known(app, db, demo_appeal, api_token):
    """An admin's token (every role check passes) and real values for path parameters."""
    authority = demo_appeal.demands[0].targets[0].authority
    return {
        "headers": api_token("admin"),
        "slug": demo_appeal.slug,
        "authority": authority.slug,
        "/authorities/": authority.slug,
    }


def _url(path: str, parameters: list[dict], known: dict, **values) -> str:
    for parameter in parameters:
        name = parameter["name"]
        if parameter["in"] != "path":
            continue
        value = values.get(name)
        if value is None:
            slug = known["authority"] if "/authorities/" in path else known["slug"]
            value = "1" if parameter["schema"].get("type") == "integer" else slug
        path = path.replace("{" + name + "}", value)
    return path


def _parameters(spec: dict, path: str, operation: dict) -> list[dict]:
    return [*spec["paths"][path].get("parameters", []), *operation.get("parameters", [])]


def _call(client, method: str, url: str, known: dict, text: str | None = None, **kwargs):
    if text is not None:
        kwargs.update(data=text, content_type="application/json")
    return client.open(url, method=method.upper(), headers=known["headers"], **kwargs)


def _expect(response, status: int, field: str | None, problems: list, where: str) -> None:
    if response.status_code != status or not response.is_json:
        problems.append(f"{where}: {response.status_code} {response.get_data(as_text=True)[:200]}")
        return
    error = response.get_json().get("error", {})
    if field is not None and field not in error.get("fields", {}):
        problems.append(f"{where}: the error does not name {field!r}: {error}")


def _check_parameters(client, spec, path, method, operation, known, problems) -> None:
    parameters = _parameters(spec, path, operation)
    for parameter in parameters:
        name, kind = parameter["name"], parameter["schema"].get("type")
        if parameter["in"] == "path":
            hostile = [str(MAX_INT + 1), "9" * 30] if kind == "integer" else ["a%00b"]
            for value in hostile:
                url = _url(path, parameters, known, **{name: value})
                response = _call(client, method, url, known, text="{}" if method != "get" else None)
                _expect(response, 404, None, problems, f"{method.upper()} {url}")
        elif parameter["in"] == "query":
            url = _url(path, parameters, known)
            hostile = ["1\x00"] + (["9" * 30] if kind == "integer" else [])
            for value in hostile:
                response = _call(client, method, url, known, query_string={name: value})
                _expect(response, 400, name, problems, f"{method.upper()} {url}?{name}={value!r}")


def _check_body(client, spec, path, method, operation, known, problems) -> None:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return
    url = _url(path, _parameters(spec, path, operation), known)
    where = f"{method.upper()} {url}"
    response = _call(client, method, url, known, text=TOO_DEEP)
    _expect(response, 400, None, problems, f"{where} nested JSON")
    for prop_path, prop in _properties(spec, content["schema"]):
        top, kind = prop_path[0], prop.get("type")
        cases = []
        if kind == "string":
            cases += [("NUL", json.dumps(_body(prop_path, "a\x00b"))),
                      ("surrogate", json.dumps(_body(prop_path, "a\ud800b")))]  # fmt: skip
            if "maxLength" in prop:
                too_long = "ж" * (prop["maxLength"] + 1)
                cases.append(("too long", json.dumps(_body(prop_path, too_long))))
            elif not (
                prop.get("enum")
                or prop.get("format") in PARSED_FORMATS
                or prop_path[-1] in UNBOUNDED_STRINGS
            ):
                problems.append(f"{where} {prop_path}: a string without maxLength")
        elif kind == "integer":
            if prop.get("maximum", MAX_INT + 1) > MAX_INT:
                problems.append(f"{where} {prop_path}: an integer without a maximum")
            cases.append(("past MAX_INT", json.dumps(_body(prop_path, MAX_INT + 1))))
        for case, text in cases:
            response = _call(client, method, url, known, text=text)
            _expect(response, 400, top, problems, f"{where} {prop_path} {case}")


def test_every_operation_refuses_what_used_to_answer_500(client, known):
    spec = _spec(client)
    operations = api_operations(spec)
    assert len(operations) >= 20
    problems: list[str] = []
    for path, method, operation in operations:
        if path.endswith("/openapi.json"):
            continue
        _check_parameters(client, spec, path, method, operation, known, problems)
        _check_body(client, spec, path, method, operation, known, problems)
    assert not problems, "\n".join(problems)
