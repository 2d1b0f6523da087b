"""Finding and creating organizations, matched by normalized name or website domain."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

import sqlalchemy as sa

from campaign.core.extensions import db
from campaign.core.slugs import unique_slug
from campaign.endorsements.models import Organization


def name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKC", name).casefold()
    return re.sub(r"[\W_]+", " ", folded).strip()


def website_domain(website: str | None) -> str | None:
    if not website:
        return None
    host = (urlsplit(website if "://" in website else f"https://{website}").hostname or "").lower()
    return host.removeprefix("www.") or None


def find_organization(name: str, website: str | None = None) -> Organization | None:
    conditions = [Organization.name_key == name_key(name)]
    domain = website_domain(website)
    if domain:
        conditions.append(Organization.website_domain == domain)
    return db.session.execute(
        sa.select(Organization).where(sa.or_(*conditions)).order_by(Organization.id).limit(1)
    ).scalar_one_or_none()


def get_or_create_organization(name: str, **fields) -> Organization:
    found = find_organization(name, fields.get("website"))
    if found is not None:
        return found
    organization = Organization(
        slug=unique_slug(Organization, name),
        name=name.strip(),
        name_key=name_key(name),
        website_domain=website_domain(fields.get("website")),
        **fields,
    )
    db.session.add(organization)
    db.session.flush()
    return organization
