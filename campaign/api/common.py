"""Conventions every API module follows.

- One flask-smorest `ApiBlueprint` per module, url_prefix "/api/v1", added to the list in
  campaign/api/__init__.py (which exempts it from CSRF and registers it with the spec).
- Bad input raises `ApiError` (campaign.core.errors) or `InvalidInput` (campaign.core.validation);
  views let both propagate: campaign.core.errors rolls the session back and answers
  {"error": {"code", "message", "fields"}} with a proper status.
- Request bodies are marshmallow schemas; validation failures answer 400 naming the fields.
  Every string field of a request is `Text(max_length)` (never fields.String): it refuses
  what no database stores and documents its limit (campaign.core.limits) as maxLength. Ids are
  `Id()`; other integers are `strict=True` (a float is refused, not truncated) with a Range
  that fits the column. A body that is not JSON, or nested deeper than MAX_JSON_DEPTH, gets
  400 (malformed) or 415 (another content type), never silence.
- Campaigner calls are guarded by `@bp.campaigner(role)` (= `require_role`, which reads the
  bearer token); ApiBlueprint documents every such route with bearer security, 401 and 403.
- Serializers live in campaign/api/serializers.py, never on models.
- Lists take `PageArgs` and answer `paginated(...)`, described by `page_schema(ItemSchema)`.
"""

from __future__ import annotations

import json

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from campaign.accounts.auth import require_role
from campaign.core.errors import ApiError
from campaign.core.inputs import loads
from campaign.core.limits import MAX_INT, MAX_PAGE, unstorable

#: The name of the bearer security scheme in the OpenAPI document.
BEARER = "bearerAuth"
BEARER_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A campaigner's token, printed by `flask --app app users token EMAIL`.",
}


class _Parser(FlaskParser):
    #: Bad input is the client's error: 400 (not webargs' default 422), with field messages.
    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        # webargs ignores a body that is not labelled JSON, so a PATCH sent as text/plain would
        # succeed and change nothing; refuse it instead.
        data = req.get_data(cache=True)
        if not is_json_request(req):
            if data:
                raise ApiError(415, "Send the body as JSON (Content-Type: application/json).")
            return missing
        # UnicodeDecodeError and JSONDecodeError go to _handle_invalid_json_error (webargs).
        return loads(data.decode("utf-8"))

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        if isinstance(error, json.JSONDecodeError):
            detail = f"{error.msg} at line {error.lineno}, column {error.colno}"
        else:
            detail = "it is not UTF-8"
        raise ApiError(400, f"The request body is not valid JSON: {detail}.", "malformed_json")


def _undocumented_campaigner_call(view) -> bool:
    if not callable(view) or not getattr(view, "required_role", None):
        return False
    return not getattr(view, "_apidoc", {}).get("manual_doc", {}).get("security")


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()

    def campaigner(self, role: str):
        """Decorator for a campaigner call: `require_role(role)`. Put it right under
        `@bp.route`, so the role is checked before the body is read."""
        return require_role(role)

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, **kwargs):
        # Every view guarded by require_role (however it was applied) is documented as a
        # bearer-token call that can answer 401 and 403, so the document cannot forget one.
        if _undocumented_campaigner_call(view_func):
            view_func = self.alt_response(401, response="UNAUTHORIZED")(view_func)
            view_func = self.alt_response(403, response="FORBIDDEN")(view_func)
            view_func = self.doc(security=[{BEARER: []}])(view_func)
        return super().add_url_rule(rule, endpoint, view_func, *args, **kwargs)


class Text(fields.String):
    """A string from a request: `Text(max_length)`, or `Text(None)` where a OneOf bounds it or
    its limit lives elsewhere (the Markdown bodies, with their rendering; tests/api/test_fuzz.py
    fails a string field of the OpenAPI document that has neither). NUL and unpaired
    surrogates are refused: PostgreSQL cannot store NUL, neither driver can encode a lone
    surrogate, and no person types them. The limit goes into the OpenAPI document as
    maxLength (a Length validator)."""

    def __init__(self, max_length: int | None = None, *, min_length: int | None = None, **kwargs):
        given = kwargs.pop("validate", None)
        validators = list(given) if isinstance(given, list | tuple) else [given] if given else []
        if max_length is not None or min_length is not None:
            validators.insert(0, validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if unstorable(text):
            raise ValidationError("Text may not contain NUL characters or unpaired surrogates.")
        return text


class Id(fields.Integer):
    """An id in a request: an integer (never a float) that an integer column can hold."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=1, max=MAX_INT), **kwargs)


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable, e.g. invalid"})
    message = fields.String(required=True, metadata={"description": "For people"})
    fields = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Messages per field of the request, when fields are at fault"},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


class PageArgs(Schema):
    # Query-string values are always strings, so these cannot be strict (strict refuses "2");
    # a float-looking value such as "1.5" is still refused.
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


_page_schemas: dict[type, type] = {}


def page_schema(item_schema: type[Schema]) -> type[Schema]:
    """The schema of one page of `item_schema` items (one class per item schema, so the
    OpenAPI document names each once)."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = Schema.from_dict(
            {
                # many=True: the item schema dumps the page at once (batched counts, no N+1).
                "items": fields.Nested(item_schema, many=True, required=True),
                "total": fields.Integer(required=True, metadata={"description": "All items"}),
                "page": fields.Integer(required=True),
                "per_page": fields.Integer(required=True),
            },
            name=name,
        )
    return _page_schemas[item_schema]


def paginated(items: list, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


#: What a PATCH body says about itself in the document.
AT_LEAST_ONE_FIELD = (
    "At least one field: an empty object or no body answers 400 (nothing_to_change)."
)


def require_changes(data: dict) -> None:
    """A PATCH that changes nothing is a client's mistake (a lost body, a misspelt field
    that was dropped): say so rather than answer 200."""
    if not data:
        raise ApiError(400, "Nothing to change: give at least one field.", "nothing_to_change")


#: The longest request target (path and query string) the app takes. It stays below what the
#: servers in front refuse on their own (gunicorn's limit_request_line, 8190 in
#: gunicorn.conf.py; nginx's default 8 KB header buffers), so a long address gets the API's
#: 414 in its error envelope rather than a server's HTML page.
MAX_REQUEST_TARGET = 4096

#: The document's description: limits that apply before any operation's own rules.
LIMITS = (
    f"A request whose address (path and query string) is longer than {MAX_REQUEST_TARGET} "
    "characters answers 414 (under /api/v1 with the error envelope, code uri_too_long). A "
    "request line longer than the web server's own limit (8190 bytes with the shipped "
    "gunicorn.conf.py) is refused by that server before the application sees it: 414 as a "
    "plain HTML page."
)


def refuse_long_targets() -> None:
    """before_request for every route (the documented open data ones live outside /api/v1);
    the error handler answers JSON under /api/ and HTML elsewhere."""
    target = request.environ.get("RAW_URI") or request.full_path
    if len(target) > MAX_REQUEST_TARGET:
        raise ApiError(
            414,
            f"The request's address is longer than {MAX_REQUEST_TARGET} characters.",
            "uri_too_long",
        )
