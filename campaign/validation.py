"""The one error services raise for bad input; views show it beside fields, the API as JSON."""

from __future__ import annotations

from urllib.parse import urlsplit


class InvalidInput(ValueError):
    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def require(condition: bool, field: str, message: str) -> None:
    if not condition:
        raise InvalidInput(message, {field: message})


def is_http_url(value: str | None) -> bool:
    if not value:
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
