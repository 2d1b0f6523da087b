"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)


def init_security_headers(app: Flask) -> None:
    @app.before_request
    def _reset_request_flags():
        # g belongs to the app context, which outlives one request when a context was already
        # pushed (tests, CLI): per-request flags must not leak into the next request.
        g.pop("allow_framing", None)
        g.pop("api_user", None)

    @app.after_request
    def _headers(response):
        # A view that may be framed (the embed page) sets g.allow_framing = True.
        frameable = g.get("allow_framing", False)
        response.headers.setdefault(
            "Content-Security-Policy", CSP.format(frame_ancestors="*" if frameable else "'none'")
        )
        if not frameable:
            response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
