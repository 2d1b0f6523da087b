"""Whatever a client sends, the answer is a success or a JSON 4xx, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
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


@FUZZ
@given(page=st.text(max_size=6) | st.integers().map(str), per_page=st.integers().map(str))
def test_paging_never_crashes(client, page, per_page):
    response = client.get("/api/v1/appeals", query_string={"page": page, "per_page": per_page})
    _check(response, {200})
