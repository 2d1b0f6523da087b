"""The client's address, honouring X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

from flask import Flask, current_app, request


def init_proxies(app: Flask) -> None:
    """Believe X-Forwarded-For and X-Forwarded-Proto (request.remote_addr, request.is_secure)
    only when the operator says TRUSTED_PROXIES proxies set them; anyone can send them."""
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)


def client_address() -> str:
    trusted = current_app.config.get("TRUSTED_PROXIES", 0)
    if trusted > 0:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [p for p in forwarded if p]
        # Each trusted proxy appends one address; the client's is the one before them.
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.remote_addr or "0.0.0.0"  # noqa: S104 - a placeholder key, not a bind
