"""Size limits of text fields, in characters, checked by the forms, the API schemas (where
they show in the OpenAPI document as maxLength) and the services alike.

Markdown fields are limited before anything renders them (campaign.markdown_fields)."""

#: An appeal's body and each of its translations' bodies.
APPEAL_BODY_MAX = 100_000
#: An update's body (mailed to every subscriber).
UPDATE_BODY_MAX = 20_000
