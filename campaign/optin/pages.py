"""Pages reached through a mailed link (confirm, withdraw, my data): the link's token is in
their address, so they are never stored by a cache and never named to another site in a
Referer header (campaign.core.headers also sets no-referrer for their paths)."""

from __future__ import annotations

from flask import Response, current_app


def private_page(body, status: int = 200) -> Response:
    response = current_app.make_response((body, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
