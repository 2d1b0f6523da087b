"""The register of authorities that demands are addressed to."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from campaign.appeals.services import unique_slug
from campaign.audit.services import record
from campaign.core.extensions import db
from campaign.core.validation import InvalidInput, is_http_url, require
from campaign.responses.models import AUTHORITY_KINDS, Authority

AUTHORITY_FIELDS = ("name", "kind", "country", "website", "contact_email")


def list_authorities() -> list[Authority]:
    return list(db.session.execute(sa.select(Authority).order_by(Authority.name)).scalars())


def authorities_page(page: int, per_page: int) -> tuple[list[Authority], int]:
    """One page of the register, by name, and the total."""
    total = db.session.execute(sa.select(sa.func.count()).select_from(Authority)).scalar_one()
    items = db.session.execute(
        sa.select(Authority)
        .order_by(Authority.name, Authority.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    return list(items), total


def authorities_by_slug(slugs) -> dict[str, Authority]:
    """The authorities with these slugs, in one query; unknown slugs are simply absent."""
    wanted = set(slugs)
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(Authority).where(Authority.slug.in_(wanted))).scalars()
    return {authority.slug: authority for authority in rows}


def get_authority_by_slug(slug: str) -> Authority | None:
    return db.session.execute(
        sa.select(Authority).where(Authority.slug == slug)
    ).scalar_one_or_none()


def get_authority_or_404(slug: str) -> Authority:
    authority = get_authority_by_slug(slug)
    if authority is None:
        abort(404)
    return authority


def _clean(fields: dict) -> dict:
    unknown = set(fields) - set(AUTHORITY_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}")
    clean = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in fields.items()}
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
