"""Purpose-scoped signed tokens, keyed hashes and password hashing."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: Every kind of mailed token has its own salt, so one kind can never be replayed as another.
TOKEN_PURPOSES = {
    "signature-confirm",
    "signature-withdraw",
    "signature-data",
    "endorsement-confirm",
    "endorsement-withdraw",
    "unsubscribe",
    "issuer-approval",
}


class TokenError(Exception):
    """A token that is tampered, of the wrong purpose, or expired."""

    def __init__(self, expired: bool = False, payload=None):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.payload = payload


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    if purpose not in TOKEN_PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"answerable:{purpose}")


def make_token(purpose: str, payload) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None = None):
    """The payload of a token made for `purpose`; TokenError otherwise."""
    serializer = _serializer(purpose)
    try:
        return serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        payload = None
        try:
            payload = serializer.loads_unsafe(token)[1]
        except Exception:  # noqa: BLE001 - an expired token's payload is only a hint
            payload = None
        raise TokenError(expired=True, payload=payload) from exc
    except BadSignature as exc:
        raise TokenError() from exc


def keyed_hash(value: str, purpose: str = "ip") -> str:
    """HMAC-SHA256 of a value under a key derived from the server secret (cheap, not reversible
    without the secret). Used for IP addresses: never a slow password hash in the request path."""
    secret = current_app.config["SECRET_KEY"].encode()
    key = hmac.new(secret, f"answerable-keyed-hash:{purpose}".encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def new_api_token() -> str:
    return "ans_" + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    # API tokens are high-entropy random strings, so a plain SHA-256 is enough to store them.
    return hashlib.sha256(token.encode()).hexdigest()


# argon2 (with its cffi bindings) is imported where passwords are checked, not by every
# web worker: public pages and signing never need it.


def _password_hasher():
    from argon2 import PasswordHasher

    if current_app.config.get("PASSWORD_HASH_FAST"):
        # Tests create many users; the cheap parameters keep the suite fast.
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _password_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _password_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
