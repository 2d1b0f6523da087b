"""external_url: absolute URLs under BASE_URL (scheme, host and a path prefix), in a request
or outside one, whatever Host the request carried."""

from __future__ import annotations

import pytest

from campaign.core.urls import external_url


@pytest.fixture
def app_config(app_config):
    return {**app_config, "BASE_URL": "https://campaign.example.org/kg"}


def test_outside_a_request_with_a_path_prefix_a_query_and_an_anchor(app):
    assert (
        external_url("appeals.show", slug="a b") == "https://campaign.example.org/kg/appeals/a%20b"
    )
    assert external_url("appeals.show", slug="x", ref="qr", _anchor="sign") == (
        "https://campaign.example.org/kg/appeals/x?ref=qr#sign"
    )


def test_in_a_request_the_host_header_is_ignored(app):
    with app.test_request_context("/", base_url="http://evil.example/other"):
        assert external_url("responses.feed", slug="x") == (
            "https://campaign.example.org/kg/appeals/x/feed.atom"
        )
