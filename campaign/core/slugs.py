"""Slugs: the readable, unique names in public URLs (appeals, authorities, organizations)."""

from __future__ import annotations

import sqlalchemy as sa

from campaign.core.extensions import db


def unique_slug(model, text: str) -> str:
    """A slug made from `text` that no row of `model` has yet ("item" when nothing is left of
    the text; "-2", "-3"... appended on a clash)."""
    from slugify import slugify  # only campaigners' edits make slugs: not in every worker

    base = slugify(text, max_length=80, word_boundary=True) or "item"
    candidate, n = base, 2
    while db.session.execute(sa.select(model.id).where(model.slug == candidate)).first():
        candidate, n = f"{base}-{n}", n + 1
    return candidate
