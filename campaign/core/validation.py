"""The one error services raise for bad input; views show it beside fields, the API as JSON."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from campaign.core.limits import unstorable

#: Said of text holding NUL or unpaired surrogates (campaign.core.limits.unstorable).
UNSTORABLE = _l("This text holds characters that cannot be stored.")
#: Said of text longer than its limit; formatted with `max`.
TOO_LONG = _l("At most %(max)d characters.")


class InvalidInput(ValueError):
    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise InvalidInput(message, {field: message})


def text_error(value: str | None, max_length: int) -> str | None:
    """Why `value` cannot be kept as text of at most `max_length` characters, or None: for
    services taking text that no form or API schema checked (a raw form field, the CLI)."""
    if not value:
        return None
    if unstorable(value):
        return str(UNSTORABLE)
    if len(value) > max_length:
        return str(TOO_LONG) % {"max": max_length}
    return None


def is_http_url(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
