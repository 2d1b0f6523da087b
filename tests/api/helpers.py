"""Small helpers shared by the API tests (fixtures stay in tests/conftest.py)."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def strings_in(value) -> list[str]:
    """Every key and string value anywhere in a JSON document."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings_in(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return [value] if isinstance(value, str) else []


def assert_no_private_data(document) -> None:
    found = strings_in(document)
    assert "contact_email" not in found
    assert not [s for s in found if EMAIL.search(s)], "an email address is in a public response"


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is the JSON error envelope with this status; returns its error body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]
