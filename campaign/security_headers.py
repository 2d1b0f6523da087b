"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, g, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors {frame_ancestors}"
)

#: Pages whose URL carries a secret (a mailed token) or that campaigners use: the browser must
#: not send their address to any other site in a Referer header.
NO_REFERRER_PREFIXES = (
    "/admin/",
    "/confirm/",
    "/withdraw/",
    "/endorsements/confirm/",
    "/endorsements/withdraw/",
    "/unsubscribe/",
    "/my-data/",
)

HSTS = "max-age=31536000; includeSubDomains"


def referrer_policy(path: str) -> str:
    if any(path == p.rstrip("/") or path.startswith(p) for p in NO_REFERRER_PREFIXES):
        return "no-referrer"
    return "same-origin"


def init_security_headers(app: Flask) -> None:
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
        policy = referrer_policy(request.path)
        if policy == "no-referrer":
            response.headers["Referrer-Policy"] = policy  # no view may loosen it here
        else:
            response.headers.setdefault("Referrer-Policy", policy)
        # is_secure believes X-Forwarded-Proto only through ProxyFix (TRUSTED_PROXIES > 0).
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
