"""What can happen to the register of authorities: entries added and edited. Services flush,
never commit."""

from __future__ import annotations

from campaign.audit.services import record
from campaign.authorities.models import AUTHORITY_KINDS, Authority
from campaign.core.extensions import db
from campaign.core.slugs import unique_slug
from campaign.core.validation import InvalidInput, is_http_url, require

AUTHORITY_FIELDS = (
    "name", "kind", "country", "website", "contact_email", "postal_address", "language",
    "response_term_days", "response_term_source", "names",
)  # fmt: skip
#: The languages a delivery can be written in (the interface's).
AUTHORITY_LANGUAGES = ("en", "ru", "ky")


def _clean(fields: dict) -> dict:
    unknown = set(fields) - set(AUTHORITY_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    names = fields.pop("names", None) if "names" in fields else ...
    clean = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in fields.items()}
    if names is not ...:
        from campaign.names.services import validated_names

        clean["names"] = validated_names(names)
    if "name" in clean:
        require(bool(clean["name"]), "name", "A name is required.")
        require(len(clean["name"]) <= 300, "name", "The name is at most 300 characters.")
    if "kind" in clean:
        clean["kind"] = clean["kind"] or "other"
        require(clean["kind"] in AUTHORITY_KINDS, "kind", "Choose a kind from the list.")
    if clean.get("country"):
        clean["country"] = clean["country"].upper()
        require(
            len(clean["country"]) == 2 and clean["country"].isalpha(),
            "country", "Use a two-letter country code (KG, KZ, ...).",
        )  # fmt: skip
    if clean.get("website"):
        require(is_http_url(clean["website"]), "website", "The website must be an http(s) URL.")
    if clean.get("contact_email"):
        require("@" in clean["contact_email"], "contact_email", "Not an email address.")
    if clean.get("postal_address"):
        require(len(clean["postal_address"]) <= 1000, "postal_address", "At most 1000 characters.")
    if clean.get("language"):
        clean["language"] = clean["language"].lower()
        require(
            clean["language"] in AUTHORITY_LANGUAGES,
            "language", "Choose a language from the list (en, ru, ky).",
        )  # fmt: skip
    if clean.get("response_term_days") is not None:
        term = clean["response_term_days"]
        require(
            isinstance(term, int) and not isinstance(term, bool) and 1 <= term <= 365,
            "response_term_days", "The term is a number of working days from 1 to 365.",
        )  # fmt: skip
    if clean.get("response_term_source"):
        require(
            len(clean["response_term_source"]) <= 1000,
            "response_term_source", "At most 1000 characters.",
        )  # fmt: skip
    return clean


def create_authority(user, *, slug: str | None = None, **fields) -> Authority:
    fields.setdefault("kind", "other")
    clean = _clean(fields)
    require("name" in clean, "name", "A name is required.")
    authority = Authority(slug=unique_slug(Authority, slug or clean["name"]), **clean)
    db.session.add(authority)
    db.session.flush()
    record(user, "authority.create", authority, {"name": authority.name})
    return authority


def update_authority(user, authority: Authority, **fields) -> Authority:
    clean = _clean(fields)
    for name, value in clean.items():
        setattr(authority, name, value)
    db.session.flush()
    record(user, "authority.update", authority, {"fields": sorted(clean)})
    return authority
