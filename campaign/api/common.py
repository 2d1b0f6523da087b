"""Conventions every API module follows.

- One flask-smorest `ApiBlueprint` per module, url_prefix "/api/v1", added to the list in
  campaign/api/__init__.py (which exempts it from CSRF and registers it with the spec).
- Bad input raises `ApiError` (campaign.errors) or `InvalidInput` (campaign.validation);
  both become {"error": {"code", "message", "fields"}} with a proper status.
- Request bodies are marshmallow schemas; validation failures answer 400 naming the fields.
- Campaigner calls are guarded by `require_role` (campaign.accounts.auth), which reads the
  bearer token; serializers live in campaign/api/serializers.py, never on models.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser

from campaign.errors import ApiError
from campaign.validation import InvalidInput


class _Parser(FlaskParser):
    #: Bad input is the client's error: 400 (not webargs' default 422), with field messages.
    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


class ErrorBody(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, strict=True, validate=lambda n: n >= 1)
    per_page = fields.Integer(load_default=20, strict=True, validate=lambda n: 1 <= n <= 100)


def invalid_input(exc: InvalidInput) -> ApiError:
    """An InvalidInput from a service as a 400 API error."""
    return ApiError(400, exc.message, "invalid", exc.fields)


def paginated(items: list, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page}
