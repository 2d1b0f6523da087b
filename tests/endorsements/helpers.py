"""Helpers for the endorsement tests: submit the public form, follow links from mail."""

from __future__ import annotations

import io
import re

from flask import g
from PIL import Image
from werkzeug.test import EnvironBuilder

from campaign.mail.worker import drain

FORM = {
    "organization_name": "Kloop Media",
    "kind": "media",
    "country": "KG",
    "website": "https://kloop.kg",
    "signatory_name": "Aida Sultanova",
    "signatory_role": "Director",
    "contact_email": "aida@kloop.kg",
    "comment": "We stand with our colleagues.",
    "wants_updates": "y",
}


def endorse(client, slug: str, logo: bytes | None = None, filename="logo.png", **overrides):
    data = {**FORM, **overrides}
    data = {k: v for k, v in data.items() if v is not None}
    if logo is not None:
        data["logo"] = (io.BytesIO(logo), filename)
    # Build the request ourselves so the spooled upload body is closed afterwards (the test
    # client leaves large multipart bodies open).
    builder = EnvironBuilder(path=f"/appeals/{slug}/endorse", method="POST", data=data)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def mails(smtp, count: int):
    drain()
    return smtp.wait_for(count)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def link(message, kind: str) -> str:
    """The path of the confirm or withdraw link in a mail."""
    match = re.search(rf"https?://[^/\s]+(/endorsements/{kind}/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def logout(client):
    """Log out and show a page, so pending flash messages are spent."""
    client.post("/admin/logout", follow_redirects=True)
    forget_user()


def forget_user():
    """The test app context outlives requests, so drop the campaigner cached on g."""
    g.pop("api_user", None)
    g.pop("_login_user", None)


def png(size=(64, 48), color=(200, 30, 30), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG", **save)
    return out.getvalue()


def image_bytes(fmt: str, size=(64, 48), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128 if mode in ("1", "L", "P") else (10, 120, 200)).save(out, fmt, **save)
    return out.getvalue()
