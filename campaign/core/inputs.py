"""Rules every request meets before a view sees it, so bad input gets a clear 4xx and never
reaches the database driver (where it was a 500: NUL on PostgreSQL, unpaired surrogates on
both, ids beyond the integer columns on SQLite, RecursionError in the JSON parser).

- URLs: a path holding NUL or an unpaired surrogate is 404, a query string holding one 400;
  `<int:...>` matches only ids an integer column can hold, so a larger one is 404.
- JSON: every body (the API's parser, `request.get_json()`) is parsed by `loads`, which
  refuses nesting deeper than MAX_JSON_DEPTH; API bodies are capped at API_MAX_CONTENT_LENGTH.
- Commands: an argument no database can store (bytes that are not UTF-8 arrive as unpaired
  surrogates) is a usage error with a one-line message, not a traceback from the driver.

Form fields are checked by campaign.core.forms.Form, API body fields by
campaign.api.schemas.base.Text."""

from __future__ import annotations

import functools
import json

import click
from flask import Flask, abort, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from campaign.core.errors import ApiError
from campaign.core.limits import MAX_INT, MAX_JSON_DEPTH, MAX_PAGE, unstorable

#: Said when nesting goes past the limit.
TOO_DEEP = f"arrays and objects nested deeper than {MAX_JSON_DEPTH} levels"
UNSTORABLE_MESSAGE = "It holds a character that cannot be stored (NUL or an unpaired surrogate)."


class IdConverter(IntegerConverter):
    """`<int:...>`, bounded by the integer columns unless the rule gives its own `max`."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


# --- JSON ------------------------------------------------------------------------------------


def _deeper_than(value, limit: int) -> bool:
    """Whether arrays and objects nest more than `limit` levels (without recursing)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(text: str | bytes, **kwargs):
    """json.loads with a nesting limit. Every refusal is a JSONDecodeError, which the API's
    parser and Flask's get_json() already answer with 400: a body nested too deep for the
    parser (RecursionError) or for MAX_JSON_DEPTH, and a number json cannot convert (more
    than 4300 digits: ValueError)."""
    try:
        value = json.loads(text, **kwargs)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _error(TOO_DEEP, text) from None
    except ValueError as exc:
        raise _error(str(exc), text) from None
    if isinstance(value, dict | list) and _deeper_than(value, MAX_JSON_DEPTH):
        raise _error(TOO_DEEP, text)
    return value


def _error(message: str, text: str | bytes) -> json.JSONDecodeError:
    doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
    return json.JSONDecodeError(message, doc or " ", 0)


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON, parsing with `loads` (request.get_json(), Flask-WTF's JSON form data)."""

    def loads(self, s: str | bytes, **kwargs):
        return loads(s, **kwargs)


# --- URLs ------------------------------------------------------------------------------------


def check_request() -> None:
    """before_request: refuse URLs no database can look up; cap the API's bodies."""
    if request.path.startswith("/api/"):
        request.max_content_length = current_app.config["API_MAX_CONTENT_LENGTH"]
    if unstorable(request.path):
        raise ApiError(404, "There is nothing at this address.")
    for name, values in request.args.lists():
        if unstorable(name) or any(unstorable(value) for value in values):
            message = f"The query string is refused. {UNSTORABLE_MESSAGE}"
            raise ApiError(400, message, "invalid", {name: [UNSTORABLE_MESSAGE]})


def bounded_int(text: str, maximum: int = MAX_INT) -> int | None:
    """`text` as an integer from 0 to `maximum` written in ASCII digits ("²".isdigit() is
    true too), else None."""
    if text.isascii() and text.isdigit() and len(text) <= len(str(maximum)):
        value = int(text)
        return value if value <= maximum else None
    return None


def page_arg() -> int:
    """`?page=` for db.paginate: 1 when absent, 404 when it is not a page number up to
    MAX_PAGE (a larger one would overflow the OFFSET on SQLite, and PostgreSQL's bigint)."""
    page = bounded_int(request.args.get("page", "1"), MAX_PAGE)
    if not page:
        abort(404)
    return page


# --- commands --------------------------------------------------------------------------------


def _refusing_unstorable(callback):
    @functools.wraps(callback)
    def checked(*args, **kwargs):
        for name, value in kwargs.items():
            values = value if isinstance(value, list | tuple) else [value]
            if any(isinstance(item, str) and unstorable(item) for item in values):
                message = "it is not valid text (a NUL, or bytes that are not UTF-8)."
                raise click.BadParameter(message, param_hint=name)
        return callback(*args, **kwargs)

    checked.refuses_unstorable = True
    return checked


def check_command_arguments(group: click.Group) -> None:
    """Every command under `group` refuses arguments no database can store. Commands are
    module-level objects shared by every app built, so each is wrapped once."""
    for command in group.commands.values():
        if isinstance(command, click.Group):
            check_command_arguments(command)
        elif command.callback and not getattr(command.callback, "refuses_unstorable", False):
            command.callback = _refusing_unstorable(command.callback)


def init_inputs(app: Flask) -> None:
    """Before any blueprint registers its routes (they bind the `int` converter then)."""
    from campaign.core import limits

    app.url_map.converters["int"] = IdConverter
    app.json = JSONProvider(app)
    app.before_request(check_request)
    app.jinja_env.globals["limits"] = limits  # maxlength of inputs that no form class renders
