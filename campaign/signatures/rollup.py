"""The per-hour rollup behind charts and open data: counted signatures per appeal, hour (UTC),
country and share channel, kept exact in the confirming transaction.

A signature adds 1 to its confirmation hour when it starts counting and takes it back from
that same hour, country and channel when it stops (withdrawn, invalidated), so the sum over
all hours always equals the counter. Signers without a share channel are kept under ""
(NO_REF). Each key is spread over HOURLY_SHARDS rows picked at random, like the counters, so
a viral hour from one country and channel does not queue on one row; readers sum them.

Readers never scan signatures: a series is a grouped read of the appeal's rollup rows."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import sqlalchemy as sa

from campaign.core.database import dialect_insert
from campaign.core.extensions import db
from campaign.signatures.models import HOURLY_SHARDS, Signature, SignatureHourly

#: The ref stored for signers who came without a share channel.
NO_REF = ""

Key = tuple


def hour_of(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


def record_signature(signature: Signature, delta: int) -> None:
    """Add delta (+1 confirmed, -1 stopped counting) to the signature's hour, country and
    channel. An upsert into one random shard; the caller owns the transaction."""
    shard = random.randrange(HOURLY_SHARDS)  # noqa: S311 - load spreading, not security
    hour, ref = hour_of(signature.confirmed_at), signature.ref or NO_REF
    db.session.execute(_upsert(signature.appeal_id, hour, signature.country, ref, shard, delta))


def _window(stmt, since: dt.datetime | None, until: dt.datetime | None):
    if since is not None:
        stmt = stmt.where(SignatureHourly.hour >= hour_of(since))
    if until is not None:
        stmt = stmt.where(SignatureHourly.hour < until)
    return stmt


def hourly_totals(
    appeal_id: int, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[dt.datetime, int]:
    """{hour (UTC): signatures} for hours with any, in [hour of since, until)."""
    stmt = (
        sa.select(SignatureHourly.hour, sa.func.sum(SignatureHourly.count))
        .where(SignatureHourly.appeal_id == appeal_id)
        .group_by(SignatureHourly.hour)
    )
    rows = db.session.execute(_window(stmt, since, until)).all()
    return {hour: int(n) for hour, n in rows if n}


def totals_by(
    column: str,
    appeal_id: int,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> dict[str, int]:
    """{country or ref: signatures} in the window (the whole life by default)."""
    key = getattr(SignatureHourly, column)
    stmt = (
        sa.select(key, sa.func.sum(SignatureHourly.count))
        .where(SignatureHourly.appeal_id == appeal_id)
        .group_by(key)
    )
    rows = db.session.execute(_window(stmt, since, until)).all()
    return {value: int(n) for value, n in rows if n}


def stored_keys(appeal_id: int) -> Counter[Key]:
    rows = db.session.execute(
        sa.select(
            SignatureHourly.hour,
            SignatureHourly.country,
            SignatureHourly.ref,
            sa.func.sum(SignatureHourly.count),
        )
        .where(SignatureHourly.appeal_id == appeal_id)
        .group_by(SignatureHourly.hour, SignatureHourly.country, SignatureHourly.ref)
    ).all()
    return Counter({(h, c, r): int(n) for h, c, r, n in rows if n})


def recounted_keys(appeal_id: int) -> Counter[Key]:
    """The rollup as it should be, from a full scan of the appeal's signatures."""
    rows = db.session.execute(
        sa.select(Signature.confirmed_at, Signature.country, Signature.ref)
        .where(Signature.appeal_id == appeal_id)
        .where(Signature.state == "confirmed")
        .where(Signature.flagged.is_(None))
    )
    return Counter((hour_of(at), country, ref or NO_REF) for at, country, ref in rows)


def rebuild(appeal_id: int, keys: Counter[Key]) -> None:
    db.session.execute(sa.delete(SignatureHourly).where(SignatureHourly.appeal_id == appeal_id))
    db.session.add_all(
        SignatureHourly(appeal_id=appeal_id, hour=h, country=c, ref=r, shard=0, count=n)
        for (h, c, r), n in keys.items()
    )
    db.session.flush()


def verify_rollup(appeal_id: int, fix: bool = False) -> tuple[int, int, int] | None:
    """None when the rollup matches a recount hour by hour; else (stored total, actual total,
    number of (hour, country, ref) keys that differ), after rebuilding it with fix."""
    stored, actual = stored_keys(appeal_id), recounted_keys(appeal_id)
    if stored == actual:
        return None
    differing = sum(1 for key in stored.keys() | actual.keys() if stored[key] != actual[key])
    if fix:
        rebuild(appeal_id, actual)
    return sum(stored.values()), sum(actual.values()), differing


def _upsert(appeal_id: int, hour: dt.datetime, country: str, ref: str, shard: int, delta: int):
    dialect = db.session.get_bind().dialect.name
    insert = dialect_insert(dialect)
    stmt = insert(SignatureHourly).values(
        appeal_id=appeal_id, hour=hour, country=country, ref=ref, shard=shard, count=delta
    )
    return stmt.on_conflict_do_update(
        index_elements=["appeal_id", "hour", "country", "ref", "shard"],
        set_={"count": SignatureHourly.count + delta},
    )


def fold_shards(before: dt.datetime, batch: int = 5000) -> int:
    """Fold the shards of every key whose hour started before `before` into shard 0, so past
    hours cost one row each to read. Safe beside live writers: the rows are locked (FOR
    UPDATE) before they are summed, deleted by primary key, and the sum is added to shard 0
    with an upsert. Returns how many rows went away; the caller commits."""
    cutoff = hour_of(before)
    h = SignatureHourly
    key_cols = (h.appeal_id, h.hour, h.country, h.ref)
    removed = 0
    while True:
        keys = (
            sa.select(*key_cols)
            .where(h.hour < cutoff)
            .group_by(*key_cols)
            .having(sa.func.count() > 1)
            .limit(batch)
            .subquery()
        )
        rows = db.session.execute(
            sa.select(*key_cols, h.shard, h.count)
            .where(sa.tuple_(*key_cols).in_(sa.select(*keys.c)))
            .with_for_update()
        ).all()
        if not rows:
            return removed
        sums: Counter[Key] = Counter()
        for appeal_id, hour, country, ref, _shard, count in rows:
            sums[(appeal_id, hour, country, ref)] += count
        for chunk in range(0, len(rows), 500):
            db.session.execute(
                sa.delete(h).where(
                    sa.tuple_(*key_cols, h.shard).in_(
                        [tuple(r[:5]) for r in rows[chunk : chunk + 500]]
                    )
                )
            )
        for (appeal_id, hour, country, ref), total in sums.items():
            db.session.execute(_upsert(appeal_id, hour, country, ref, 0, total))
        removed += len(rows) - len(sums)
        if len(sums) < batch:
            return removed
