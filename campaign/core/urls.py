"""Absolute URLs of this site, always under BASE_URL.

A request's Host header is whatever the client sent: an absolute link built from it (a feed's
links, the API's logo, organization and document URLs) would point wherever the sender likes,
and a cache or a feed reader could keep it and hand it to others. Pages link with relative
paths; everything absolute comes from `external_url`, in a request or outside one (CLI,
worker), and never looks at the request."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import current_app


def external_url(endpoint: str, *, _anchor: str | None = None, **values) -> str:
    """As `url_for(endpoint, _external=True, **values)`, but under BASE_URL (its scheme, host
    and path prefix). Unknown values become the query string, as with url_for."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    current_app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor is not None:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url
