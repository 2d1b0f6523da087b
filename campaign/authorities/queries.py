"""How the register of authorities is read, by public pages, campaigners' pages and the API."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from campaign.authorities.models import Authority
from campaign.core.extensions import db


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
    if "\x00" in slug:
        return None  # no slug holds NUL, and PostgreSQL refuses it in a query
    return db.session.execute(
        sa.select(Authority).where(Authority.slug == slug)
    ).scalar_one_or_none()


def get_authority_or_404(slug: str) -> Authority:
    authority = get_authority_by_slug(slug)
    if authority is None:
        abort(404)
    return authority
