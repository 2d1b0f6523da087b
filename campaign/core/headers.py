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
    "/issuers/approve/",  # a mailed token in the address: never sent on as a referrer
)

HSTS = "max-age=31536000; includeSubDomains"


def referrer_policy(path: str) -> str:
    if any(path == p.rstrip("/") or path.startswith(p) for p in NO_REFERRER_PREFIXES):
        return "no-referrer"
    return "same-origin"


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
        policy = referrer_policy(request.path)
        if policy == "no-referrer":
            response.headers["Referrer-Policy"] = policy  # no view may loosen it here
        else:
            response.headers.setdefault("Referrer-Policy", policy)
        # is_secure believes X-Forwarded-Proto only through ProxyFix (TRUSTED_PROXIES > 0).
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
