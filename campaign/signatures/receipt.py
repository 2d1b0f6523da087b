"""What the thanks page needs to know about the submission it thanks for: the address the mail
went to (shown masked, used for a resend) and the form's values (to correct a typo).

It never goes into a URL or a log. It rides in the visitor's own session cookie, encrypted
(Fernet, with a key derived from SECRET_KEY) so the cookie does not carry a readable address,
and it expires after RECEIPT_MAX_AGE: a shared or seized phone keeps it only briefly."""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app, session

SESSION_KEY = "signed"
#: Seconds the thanks page remembers the address (resend, correct).
RECEIPT_MAX_AGE = 30 * 60
#: The form's fields worth giving back when the signer corrects the address.
FIELDS = ("name", "email", "country")


def _fernet() -> Fernet:
    secret = current_app.secret_key
    if isinstance(secret, str):
        secret = secret.encode()
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"answerable signing receipt"
    ).derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def remember(slug: str, values: dict[str, str]) -> None:
    payload = json.dumps({"slug": slug, **{k: values.get(k, "") for k in FIELDS}})
    session[SESSION_KEY] = _fernet().encrypt(payload.encode()).decode()


def recall(slug: str) -> dict[str, str] | None:
    """The remembered values for this appeal, or None (none, another appeal's, expired)."""
    token = session.get(SESSION_KEY)
    if not token:
        return None
    try:
        data = json.loads(_fernet().decrypt(token.encode(), ttl=RECEIPT_MAX_AGE))
    except (InvalidToken, ValueError):
        session.pop(SESSION_KEY, None)
        return None
    if data.get("slug") != slug:
        return None
    return {k: str(data.get(k, "")) for k in FIELDS}
