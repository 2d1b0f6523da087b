"""Every route of the URL map, with each of its parameters hostile: a string parameter (a
slug, a token, a name) holding NUL, an integer beyond the integer columns. Pages and API
alike answer 404 (or 400, 405), never a 5xx; an admin asks, so role checks let every route
through to the lookup that used to fail (on PostgreSQL for NUL, on SQLite for huge ids)."""

from __future__ import annotations

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from campaign.core.limits import MAX_INT

#: What a string parameter is replaced with: NUL inside, as a client writes it in a URL.
NUL = "a%00b"
HUGE = [str(MAX_INT + 1), "9" * 20]


def _hostile_urls(app, known: dict) -> list[tuple[str, str]]:
    """(method, URL) with one parameter hostile and the others real, for every route."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                continue
            hostile = HUGE if isinstance(converter, IntegerConverter) else [NUL]
            for value in hostile:
                url = rule.rule
                for other, other_converter in rule._converters.items():
                    if other == name:
                        replacement = value
                    elif isinstance(other_converter, AnyConverter):
                        replacement = sorted(other_converter.items)[0]
                    elif isinstance(other_converter, IntegerConverter):
                        replacement = "1"
                    else:
                        replacement = known.get(other, "x")
                    url = url.replace(f"<{other}>", replacement)
                    url = _replace_typed(url, other, replacement)
                urls += [(method, url) for method in methods]
    return urls


def _replace_typed(url: str, name: str, value: str) -> str:
    """Replace `<int:name>`, `<any(a, b):name>`, ... as well as `<name>`."""
    start = url.find("<")
    while start != -1:
        end = url.find(">", start)
        if url[start + 1 : end].rsplit(":", 1)[-1] == name:
            return url[:start] + value + url[end + 1 :]
        start = url.find("<", end)
    return url


@pytest.fixture
def known(demo_appeal) -> dict:
    return {"slug": demo_appeal.slug, "language": "ru", "kind": "domain"}


def test_every_route_answers_hostile_parameters_without_a_5xx(app, client, login, known, api_token):
    login("admin")
    headers = api_token("admin")
    urls = _hostile_urls(app, known)
    assert len(urls) > 80
    failures = []
    for method, url in urls:
        kwargs = {"headers": headers}
        if method in ("POST", "PATCH", "PUT") and url.startswith("/api/"):
            kwargs["json"] = {}
        response = client.open(url, method=method, **kwargs)
        response.close()
        if response.status_code >= 500 or response.status_code < 400:
            failures.append(f"{method} {url}: {response.status_code}")
    assert not failures, "\n".join(failures)
