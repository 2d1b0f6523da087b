"""Flask's signed-cookie session, with zlib only where it can help.

itsdangerous' URL-safe serializer runs zlib.compress on every payload it signs, to keep the
shorter form. Setting up a zlib stream has a cost (docs/performance.md), paid on every first
visit to an appeal page, while a visitor's session (a CSRF token) never gets shorter. Small
payloads are signed plain; larger ones (flashed messages pile up in campaigners' sessions,
and a cookie must stay under 4 KB) are compressed as before. Both forms load, as do older
cookies."""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer

#: JSON payloads up to this many bytes are not worth a zlib stream.
COMPRESS_ABOVE = 200


class _PlainURLSafeTimedSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj) -> bytes:
        json = Serializer.dump_payload(self, obj)
        if len(json) > COMPRESS_ABOVE:
            return super().dump_payload(obj)
        # As URLSafeSerializer writes an uncompressed payload: base64, no "." mark.
        return base64_encode(json)


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
