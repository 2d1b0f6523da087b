"""What every schema of the API builds on: the request field types (`Text`, `Id`), the one
error envelope, pages of items, absolute URLs and rows with derived values."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, missing, validate

from campaign.core.limits import MAX_INT, MAX_PAGE, unstorable
from campaign.core.urls import external_url

# --- request fields --------------------------------------------------------------------------


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


class PageArgs(Schema):
    # Query-string values are always strings, so these cannot be strict (strict refuses "2");
    # a float-looking value such as "1.5" is still refused.
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


# --- answers ---------------------------------------------------------------------------------


class ErrorBody(Schema):
    code = fields.String(required=True, metadata={"description": "Machine-readable, e.g. invalid"})
    message = fields.String(required=True, metadata={"description": "For people"})
    fields = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Messages per field of the request, when fields are at fault"},
    )


class ErrorSchema(Schema):
    """The one error envelope (campaign.core.errors renders it): every error response of the
    document refers to it, as flask-smorest's ERROR_SCHEMA (campaign.api.register_api)."""

    error = fields.Nested(ErrorBody, required=True)


class AcceptedSchema(Schema):
    """A submission taken, waiting for the email address to be confirmed (double opt-in)."""

    status = fields.String(
        required=True,
        metadata={"description": "pending_confirmation", "example": "pending_confirmation"},
    )
    message = fields.String(required=True)


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


class ExternalUrl(fields.String):
    """The absolute URL (under BASE_URL, campaign.core.urls) of a page or file, its one URL
    argument read from an attribute: `ExternalUrl("endorsements.logo", {"name": "logo"})`.
    Null when that attribute is empty."""

    def __init__(self, endpoint: str, argument: dict[str, str], **kwargs):
        super().__init__(**kwargs)
        self.endpoint = endpoint
        [(self.argument, self.source)] = argument.items()

    def get_value(self, obj, attr, accessor=None, default=missing):
        return super().get_value(obj, self.source, accessor, default)

    def _serialize(self, value, attr, obj, **kwargs):
        return external_url(self.endpoint, **{self.argument: value}) if value else None


class Overlay:
    """A row seen with some values added or replaced (derived ones a dump needs, the text in
    another language): reads of anything else fall through to the row."""

    def __init__(self, row, **values):
        self._row = row
        self.__dict__.update(values)

    def __getattr__(self, name: str):
        return getattr(self._row, name)
