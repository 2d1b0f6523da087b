"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)


def init_security_headers(app: Flask) -> None:
    def _fresh_g():
        # g belongs to the app context, which outlives one request when a context was already
        # pushed (tests, CLI): nothing cached for one request (the logged-in user, the bearer
        # user, the locale, framing permission) may leak into the next.
        for name in list(vars(g)):
            delattr(g, name)

    # First of all before_request functions, so extensions' own per-request state survives.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_g)

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
