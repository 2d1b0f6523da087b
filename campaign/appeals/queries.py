"""How appeals are read: the lookups public pages, campaigners' pages and the API share, and
the lists. `Appeal.is_public` is the one visibility rule; every public lookup goes through it.

The `..._or_404` lookups abort with 404; `message`, when given, is the description the error
answer carries (the JSON envelope's message under /api/), so an edge keeps its own wording
without a lookup of its own."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import lazyload, selectinload

from campaign.appeals.models import Appeal, Demand, DemandTarget
from campaign.core.extensions import db
from campaign.signatures.counting import count_expression

#: The states listed publicly (an archived appeal stays readable by its URL, but is not listed).
LISTED_STATES = ("published", "closed")


def _listed() -> sa.ColumnElement[bool]:
    """What public lists show: a listed state, and public (a hidden appeal is in no list)."""
    return sa.and_(Appeal.state.in_(LISTED_STATES), Appeal.is_public)


def appeal_query() -> sa.Select:
    """Appeals with demands, targets and authorities loaded in a fixed number of queries."""
    demands = selectinload(Appeal.demands)
    return sa.select(Appeal).options(
        demands.selectinload(Demand.targets).joinedload(DemandTarget.authority),
        demands.selectinload(Demand.translations),
        selectinload(Appeal.translations),
        selectinload(Appeal.issuers),  # each with its organization (joined)
    )


# --- one appeal ------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _by_slug(eager: bool) -> sa.Select:
    # Built once (every public page starts here); eager=False reads the appeal's own row
    # only, its issuer loading if asked for.
    query = appeal_query() if eager else sa.select(Appeal).options(lazyload(Appeal.issued_by))
    return query.where(Appeal.slug == sa.bindparam("slug"))


def get_appeal_by_slug(slug: str, eager: bool = True) -> Appeal | None:
    """Any appeal, drafts included, or None (for the CLI and code that decides itself)."""
    return db.session.execute(_by_slug(eager), {"slug": slug}).scalar_one_or_none()


def get_published_appeal_or_404(
    slug: str, eager: bool = True, message: str | None = None
) -> Appeal:
    """The one public visibility rule: drafts and hidden (taken down) appeals do not exist
    for the public. With eager=False only the appeal's own row is read (for a page served
    from the cache)."""
    appeal = get_appeal_by_slug(slug, eager)
    if appeal is None or not appeal.is_public:
        abort(404, description=message)
    return appeal


def get_appeal_or_404(slug: str, message: str | None = None) -> Appeal:
    """Any appeal, drafts included: for campaigners' pages and API calls, after their role
    is checked."""
    appeal = get_appeal_by_slug(slug)
    if appeal is None:
        abort(404, description=message)
    return appeal


def get_tracked_appeal_or_404(slug: str) -> Appeal:
    """A published, closed or archived appeal, taken down or not: for campaigners' pages that
    follow an appeal after publication (responses, endorsements), after their role is
    checked. A takedown hides the appeal from the public, not from its campaigners."""
    appeal = get_appeal_by_slug(slug)
    if appeal is None or appeal.state == "draft":
        abort(404)
    return appeal


def get_visible_appeal_or_404(slug: str, user=None) -> Appeal:
    """What `user` may read: editors and above also see drafts and hidden appeals (to
    preview them); anyone else, signed in or not, gets the public rule."""
    if user is not None and user.has_role("editor"):
        return get_appeal_or_404(slug)
    return get_published_appeal_or_404(slug)


def get_demand_or_404(appeal: Appeal, demand_id: int) -> Demand:
    for demand in appeal.demands:
        if demand.id == demand_id:
            return demand
    abort(404)


@lru_cache(maxsize=1)
def _version_query() -> sa.Select:
    # Built once: constructing it cost as much as running it.
    return sa.select(
        Appeal.id,
        Appeal.updated_at,
        Appeal.is_public,
        Appeal.paper_count + count_expression(Appeal.id),
    ).where(Appeal.slug == sa.bindparam("slug"))


def get_public_version_or_404(slug: str) -> tuple[int, float, int]:
    """(id, version, signature count) of a public appeal, in one small Core query without ORM
    objects: what a cached copy of its page is keyed on. The version is the time of its last
    change as a timestamp (0 if never changed)."""
    row = db.session.connection().execute(_version_query(), {"slug": slug}).first()
    if row is None or not row.is_public:
        abort(404)
    appeal_id, updated_at, _public, count = row
    return appeal_id, updated_at.timestamp() if updated_at else 0, count


# --- lists -----------------------------------------------------------------------------------


def count_appeals() -> int:
    """Every appeal, drafts and hidden ones included."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Appeal))


def list_all_appeals() -> list[Appeal]:
    """Every appeal, drafts first, then the newest; for campaigners."""
    return list(
        db.session.execute(
            appeal_query().order_by(
                (Appeal.state == "draft").desc(),
                Appeal.published_at.desc().nulls_first(),
                Appeal.id.desc(),
            )
        ).scalars()
    )


def list_appeals_by_creation() -> list[Appeal]:
    """Every appeal (drafts included), the most recently created first, without their
    demands: for campaigners' overviews of one figure per appeal."""
    return list(
        db.session.execute(
            sa.select(Appeal).order_by(Appeal.created_at.desc(), Appeal.id.desc())
        ).scalars()
    )


def list_published_appeals() -> list[Appeal]:
    """The appeals taking part right now (published, not closed), newest first."""
    return list(
        db.session.execute(
            appeal_query()
            .where(Appeal.state == "published")
            .order_by(Appeal.published_at.desc(), Appeal.id.desc())
        ).scalars()
    )


def _public_listing() -> sa.Select:
    return appeal_query().where(_listed()).order_by(Appeal.published_at.desc(), Appeal.id.desc())


def list_public_appeals() -> list[Appeal]:
    return list(db.session.execute(_public_listing()).scalars())


def list_tracked_appeals() -> list[Appeal]:
    """Published and closed appeals, taken down or not, newest first: for campaigners."""
    return list(
        db.session.execute(
            appeal_query()
            .where(Appeal.state.in_(LISTED_STATES))
            .order_by(Appeal.published_at.desc(), Appeal.id.desc())
        ).scalars()
    )


def public_appeals_page(page: int, per_page: int) -> tuple[list[Appeal], int]:
    """One page of the public listing, newest first, and the total (a fixed number of
    queries whatever the page holds)."""
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(Appeal).where(_listed())
    ).scalar_one()
    items = db.session.execute(
        _public_listing().limit(per_page).offset((page - 1) * per_page)
    ).scalars()
    return list(items), total
