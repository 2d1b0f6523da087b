"""The client's address, honouring X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

from flask import current_app, request


def client_address() -> str:
    trusted = current_app.config.get("TRUSTED_PROXIES", 0)
    if trusted > 0:
        forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [p for p in forwarded if p]
        # Each trusted proxy appends one address; the client's is the one before them.
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.remote_addr or "0.0.0.0"  # noqa: S104 - a placeholder key, not a bind
