"""Exact, cheap signature counts: sharded counter rows bumped in the confirming transaction.

A page reads at most COUNTER_SHARDS small rows per appeal (never COUNT(*) over signatures),
and concurrent confirmations spread over the shards instead of queueing on one row."""

from __future__ import annotations

import random
from collections.abc import Iterable

import sqlalchemy as sa

from campaign.core.database import dialect_insert
from campaign.core.extensions import db
from campaign.core.progress import Advance, nothing
from campaign.signatures.models import COUNTER_SHARDS, Signature, SignatureCounter


def bump_signature_count(appeal_id: int, delta: int = 1) -> None:
    """Add delta to one random shard of the appeal's counter (upsert; the caller commits)."""
    shard = random.randrange(COUNTER_SHARDS)  # noqa: S311 - load spreading, not security
    dialect = db.session.get_bind().dialect.name
    insert = dialect_insert(dialect)
    stmt = insert(SignatureCounter).values(appeal_id=appeal_id, shard=shard, count=delta)
    stmt = stmt.on_conflict_do_update(
        index_elements=["appeal_id", "shard"],
        set_={"count": SignatureCounter.count + delta},
    )
    db.session.execute(stmt)


def online_counts(appeal_ids: Iterable[int]) -> dict[int, int]:
    """Confirmed online signatures per appeal: the sum of its counter shards."""
    ids = list(set(appeal_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(SignatureCounter.appeal_id, sa.func.sum(SignatureCounter.count))
        .where(SignatureCounter.appeal_id.in_(ids))
        .group_by(SignatureCounter.appeal_id)
    ).all()
    counts = dict.fromkeys(ids, 0)
    counts.update({appeal_id: int(total or 0) for appeal_id, total in rows})
    return counts


def signature_counts(appeal_ids: Iterable[int]) -> dict[int, int]:
    """The shown totals: online signatures plus those collected on paper (Appeal.paper_count,
    one column on the appeal's row, changed only when a campaigner enters a batch, so
    signing never touches it). One small query for the whole list."""
    from campaign.appeals.models import Appeal

    ids = list(set(appeal_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Appeal.id, Appeal.paper_count + count_expression(Appeal.id)).where(
            Appeal.id.in_(ids)
        )
    ).all()
    counts = dict.fromkeys(ids, 0)
    counts.update({appeal_id: int(total or 0) for appeal_id, total in rows})
    return counts


def count_expression(appeal_id) -> sa.ScalarSelect:
    """The confirmed online count as a scalar subquery, for queries that read it beside
    other columns (add Appeal.paper_count for the shown total)."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(SignatureCounter.count), 0))
        .where(SignatureCounter.appeal_id == appeal_id)
        .scalar_subquery()
    )


def signature_count(appeal_id: int) -> int:
    """The shown total of one appeal, paper included."""
    return signature_counts([appeal_id])[appeal_id]


def recount(appeal_id: int) -> int:
    """The true count: confirmed, unflagged signatures (a full scan; for verification only)."""
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Signature)
        .where(Signature.appeal_id == appeal_id)
        .where(Signature.state == "confirmed")
        .where(Signature.flagged.is_(None))
    ).scalar_one()


def verify_counts(fix: bool = False, advance: Advance = nothing) -> list[tuple[int, int, int]]:
    """(appeal_id, stored, actual) for every appeal whose online counter drifted; with fix,
    repair. `advance(1)` hears of each appeal recounted. Paper is checked apart
    (campaign.paper.services.verify_paper_counts)."""
    from campaign.appeals.models import Appeal

    drift = []
    appeal_ids = db.session.execute(sa.select(Appeal.id).order_by(Appeal.id)).scalars().all()
    stored = online_counts(appeal_ids)
    for appeal_id in appeal_ids:
        actual = recount(appeal_id)
        if stored[appeal_id] != actual:
            drift.append((appeal_id, stored[appeal_id], actual))
            if fix:
                db.session.execute(
                    sa.delete(SignatureCounter).where(SignatureCounter.appeal_id == appeal_id)
                )
                db.session.add(SignatureCounter(appeal_id=appeal_id, shard=0, count=actual))
        advance(1)
    return drift


def verify_rollups(
    fix: bool = False, advance: Advance = nothing
) -> list[tuple[int, int, int, int]]:
    """(appeal_id, stored total, actual total, differing hour keys) for every appeal whose
    per-hour rollup disagrees with a full recount; with fix, rebuild it. `advance(1)` hears
    of each appeal checked."""
    from campaign.appeals.models import Appeal
    from campaign.signatures.rollup import verify_rollup

    drift = []
    appeal_ids = db.session.execute(sa.select(Appeal.id).order_by(Appeal.id)).scalars().all()
    for appeal_id in appeal_ids:
        found = verify_rollup(appeal_id, fix=fix)
        if found is not None:
            drift.append((appeal_id, *found))
        advance(1)
    return drift
