"""Flask's signed-cookie session, without zlib.

itsdangerous' URL-safe serializer runs zlib.compress on every payload it signs, to keep the
shorter form. A session here holds a CSRF token and at most a user id, which never compress,
and setting up a zlib stream costs about 0.25 ms: paid on every first visit to an appeal page.
Cookies written before (compressed, marked with a leading ".") still load."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer


class _PlainURLSafeTimedSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        # The plain serializer's JSON bytes, base64'd as URLSafeSerializer would, uncompressed.
        return base64_encode(Serializer.dump_payload(self, obj))


class SessionInterface(SecureCookieSessionInterface):
    """Flask's own, with the same keys (fallbacks first), salt, JSON tags and signer."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = [*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key]
        return _PlainURLSafeTimedSerializer(
            keys,
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )


def init_sessions(app: Flask) -> None:
    app.session_interface = SessionInterface()
