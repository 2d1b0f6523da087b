"""How big and what kind of input the app takes: one place for the limits that forms, API
schemas and services share, so a form, the OpenAPI document and the database agree.

Lengths are in characters. Where a value lands in a `String(n)` column the limit is at most n
(tests/test_input_limits.py checks it against the models); `Text` columns have a limit chosen
here. Markdown fields are limited before anything renders them (campaign.core.markdown_fields)."""

from __future__ import annotations

#: The largest id or count any integer column holds on every backend (PostgreSQL's integer).
MAX_INT = 2**31 - 1
#: A `?page=` beyond any real list (and far from the integer limits of OFFSET).
MAX_PAGE = 1_000_000

# --- one-line values -------------------------------------------------------------------------
SLUG = 120
#: Appeals', their translations' and updates' titles.
TITLE = 300
#: A signer's name, and an organization's signatory's name and role.
PERSON_NAME = 200
#: An organization's or an authority's name.
ORGANIZATION_NAME = 300
CITY = 120
#: ISO 3166-1 alpha-2.
COUNTRY = 2
#: A stored language tag such as "en" or "ru-KG".
LANGUAGE = 8
#: A language asked for (any BCP 47 tag; RFC 5646 says to take 35 characters), which is then
#: mapped to one the site speaks.
LANGUAGE_WISH = 35
#: The email columns; RFC 5321 caps a usable address at 254, which email validation enforces.
EMAIL = 320
PASSWORD = 200
#: An organization's or an authority's website.
WEBSITE = 500
#: Where a response or a status change is documented.
SOURCE_URL = 1000
#: A share channel (`?ref=`).
REF = 32
#: The moderators' signature search (`q`, longer is cut) and an email domain (DNS's longest).
SEARCH = 200
DOMAIN = 253
#: An IP address or network in CIDR notation (blocklists).
CIDR = 64
#: The audit log's action and subject filters (their columns; longer is cut).
AUDIT_ACTION = 64
AUDIT_SUBJECT = 100

# --- texts (Text columns) --------------------------------------------------------------------
#: An appeal's summary (and its translations').
SUMMARY = 2_000
#: One demand of an appeal (and its translations).
DEMAND = 5_000
#: An organization's public comment on its endorsement.
COMMENT = 2_000
#: Moderators' reasons: rejecting an endorsement, invalidating signatures, blocking a sender.
REASON = 2_000
#: Status-change notes, due-date and retraction reasons.
NOTE = 5_000
#: What an authority said or did, summarized.
RESPONSE_SUMMARY = 20_000

# --- Markdown texts, rendered when saved -------------------------------------------------------
#: An appeal's body and each of its translations' bodies.
APPEAL_BODY_MAX = 100_000
#: An update's body (mailed to every subscriber).
UPDATE_BODY_MAX = 20_000

# --- request bodies --------------------------------------------------------------------------
#: Nesting of arrays and objects in a JSON body; the deepest the API takes is 5.
MAX_JSON_DEPTH = 32


def unstorable(text: str) -> bool:
    """True when `text` holds a character no database here can store: NUL (PostgreSQL
    refuses it in text; SQLite would keep it and cut the text short in places) or an unpaired
    surrogate (not encodable as UTF-8, so both drivers fail on it)."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
