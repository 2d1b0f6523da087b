"""Conventions every API module follows.

- One flask-smorest `ApiBlueprint` per module, named `bp`, url_prefix "/api/v1", added to the
  list in campaign/api/__init__.py (which exempts it from CSRF and registers it with the spec).
- Bad input raises `ApiError` (campaign.core.errors) or `InvalidInput` (campaign.core.validation);
  views let both propagate: campaign.core.errors rolls the session back and answers
  {"error": {"code", "message", "fields"}} with a proper status.
- Every schema, in and out, lives in campaign/api/schemas/ (never on models); views return
  models (or the objects a query builds) and `@bp.response` dumps them. The errors a call
  can answer are listed with `@bp.errors(400, 404)`: each refers to the one envelope,
  campaign.api.schemas.base.ErrorSchema.
- Request bodies are marshmallow schemas; validation failures answer 400 naming the fields.
  Every string field of a request is `Text(max_length)` (never fields.String): it refuses
  what no database stores and documents its limit (campaign.core.limits) as maxLength. Ids are
  `Id()`; other integers are `strict=True` (a float is refused, not truncated) with a Range
  that fits the column. A body that is not JSON, or nested deeper than MAX_JSON_DEPTH, gets
  400 (malformed) or 415 (another content type), never silence.
- Campaigner calls are guarded by `@require_role(role)` (campaign.accounts.auth, which reads
  the bearer token), right under `@bp.route` so the role is checked before the body is read;
  ApiBlueprint documents every such route with bearer security, 401 and 403.
- Lists take `PageArgs` and answer `paginated(items, total, args)` (or `page_of(rows, args)`
  for a list loaded whole), described by `page_schema(ItemSchema)`.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import request
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from campaign.core.errors import ApiError
from campaign.core.inputs import loads

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

    def errors(self, *codes: int):
        """Decorator: the error statuses a call can answer, documented with flask-smorest's
        standard responses (NOT_FOUND, CONFLICT...), whose schema is the one error envelope.
        A campaigner call's 401 and 403 need not be listed: they are added below."""

        def decorator(view):
            for code in codes:
                view = self.alt_response(code, response=HTTPStatus(code).name)(view)
            return view

        return decorator

    def add_url_rule(self, rule, endpoint=None, view_func=None, *args, **kwargs):
        # Every view guarded by require_role is documented as a bearer-token call that can
        # answer 401 and 403, so the document cannot forget one.
        if _undocumented_campaigner_call(view_func):
            view_func = self.alt_response(401, response="UNAUTHORIZED")(view_func)
            view_func = self.alt_response(403, response="FORBIDDEN")(view_func)
            view_func = self.doc(security=[{BEARER: []}])(view_func)
        return super().add_url_rule(rule, endpoint, view_func, *args, **kwargs)


def paginated(items: list, total: int, args: dict) -> dict:
    """One page of a list, `args` being the PageArgs the call took."""
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def page_of(rows: list, args: dict) -> dict:
    """One page of a list loaded whole (an appeal's responses, its endorsements)."""
    start = (args["page"] - 1) * args["per_page"]
    return paginated(rows[start : start + args["per_page"]], len(rows), args)


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
