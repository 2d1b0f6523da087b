"""Error pages for people, and one JSON error envelope under /api/."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class ApiError(HTTPException):
    """An error raised by API code with a code, a message and per-field messages."""

    def __init__(self, status: int, message: str, code: str | None = None, fields=None):
        super().__init__(description=message)
        self.code = status
        self.error_code = code or ERROR_CODES.get(status, "error")
        self.fields = fields or {}


#: Blueprints outside /api/ that the OpenAPI document describes: their errors are JSON too.
JSON_BLUEPRINTS = frozenset({"open_data"})


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.blueprint in JSON_BLUEPRINTS


def json_error(status: int, message: str, code: str | None = None, fields=None, headers=None):
    payload = {"error": {"code": code or ERROR_CODES.get(status, "error"), "message": message}}
    if fields:
        payload["error"]["fields"] = fields
    response = jsonify(payload)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _fields_from(error: HTTPException) -> dict:
    """Field messages from webargs/marshmallow validation (flask-smorest puts them in data)."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or {}
    fields: dict = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            fields.update(location_messages)
    return fields


def _discard_changes() -> None:
    """An error answer commits nothing: drop whatever a service flushed before refusing, so
    it cannot ride along with a later commit on the same session."""
    from campaign.core.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:  # the database may be what failed; the answer matters more
        log.warning("rollback failed while answering an error", exc_info=True)


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    _discard_changes()
    if wants_json():
        headers = {}
        if status == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(error.valid_methods)
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, ApiError):
            return json_error(status, error.description, error.error_code, error.fields, headers)
        fields = _fields_from(error)
        if fields:
            # Validation failures are the client's bad input: 400, naming the fields.
            return json_error(400, "The request has invalid fields.", "invalid", fields)
        return json_error(status, _plain_message(error), headers=headers)
    template = f"errors/{status}.html" if status in (400, 403, 404, 429, 500, 503) else None
    if template is None:
        return error
    return render_template(template, error=error), status


def _plain_message(error: HTTPException) -> str:
    return error.description or error.name


def handle_database_unavailable(error: OperationalError):
    log.error("database unavailable: %s", type(error.orig).__name__ if error.orig else error)
    return handle_http_exception(ServiceUnavailable("The database is unavailable; try again."))


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def handle_invalid_input(error):
    """A service refused bad input that a view did not catch: 400, naming the fields."""
    _discard_changes()
    if wants_json():
        return json_error(400, error.message, "invalid", error.fields)
    return render_template("errors/400.html", error=error), 400


def init_errors(app: Flask) -> None:
    from campaign.core.validation import InvalidInput

    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    if not app.config.get("TESTING") or app.config.get("HANDLE_ERRORS_IN_TESTS"):
        app.register_error_handler(Exception, handle_unexpected)
