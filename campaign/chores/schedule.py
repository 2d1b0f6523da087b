"""Running the worker's chores: each when it is due, on one worker at a time, and a daily one
once a day however many workers run and however often they restart.

A chore is due when its last run started before its boundary: `every` ago (or at it) for an
interval chore, the last passing of `daily_at` o'clock (UTC) for a daily one. A failed run is tried
again after RETRY_FAILED_AFTER instead of waiting for its next period.

**Claiming.** A worker runs a chore only after it moved the chore's row (ChoreRun) from "due"
to "started now" with one conditional UPDATE: the WHERE clause says "due and not in flight",
and the row count says whether this worker won. Two workers updating the row at once are
serialized by the database (PostgreSQL re-checks the WHERE clause on the row the winner
committed; SQLite has one writer), so exactly one sees a row count of 1.

**Crashes.** A run is in flight from its claim until it records its end. On PostgreSQL the
worker also holds a session advisory lock on the chore while it runs: the lock goes with the
connection when a worker dies, so a run in flight whose lock is free is a crashed one, taken
over at once; a held lock means the chore is running, however long it takes. SQLite has no
such lock: a claim in flight longer than the chore's `lease` is taken as crashed.

**Failures** of one chore (anything it raises) are rolled back, logged and recorded on its
row (last_error), and never stop the worker or the chores after it."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from campaign.chores.models import ChoreRun
from campaign.core.database import dialect_insert, utcnow
from campaign.core.extensions import db

log = logging.getLogger(__name__)

#: A chore whose last run failed is tried again this long after that run started.
RETRY_FAILED_AFTER = dt.timedelta(minutes=15)
#: The first key of the PostgreSQL advisory locks of chores (their second is the name's CRC),
#: so they cannot meet another application's locks on a shared server.
LOCK_NAMESPACE = 0x416E73  # "Ans"

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class Chore:
    """`run()` does the work, commits what it changed, and returns its outcome in a line."""

    name: str
    run: Callable[[], str]
    every: dt.timedelta | None = None
    #: For a daily chore: the UTC hour from which it is due each day.
    daily_at: int | None = None
    #: SQLite only: how long a claim in flight stands before it is taken as crashed.
    lease: dt.timedelta = dt.timedelta(hours=2)

    def __post_init__(self):
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"chore {self.name}: give either every or daily_at")

    def due_since(self, now: dt.datetime) -> dt.datetime:
        """A run that started before this instant (or at it, for an interval chore) does not
        count any more."""
        if self.every is not None:
            return now - self.every
        today = now.replace(hour=self.daily_at, minute=0, second=0, microsecond=0)
        return today if today <= now else today - dt.timedelta(days=1)


@dataclass(frozen=True)
class Outcome:
    name: str
    ran: bool
    result: str | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.error is not None


def run_due(
    chores: Sequence[Chore], clock: Clock = utcnow, stop: Callable[[], bool] = lambda: False
) -> list[Outcome]:
    """Run each chore that is due and not running elsewhere, in order, until `stop()`."""
    outcomes = []
    try:
        add_rows([chore.name for chore in chores])
    except Exception as exc:  # the database restarting, say: each chore waits for next round
        db.session.rollback()
        log.exception("cannot reach the chores' table; chores skipped this round")
        return [Outcome(chore.name, ran=False, error=_describe(exc)) for chore in chores]
    for chore in chores:
        if stop():
            break
        outcomes.append(run_chore(chore, clock))
    return outcomes


def run_chore(chore: Chore, clock: Clock = utcnow) -> Outcome:
    """Claim the chore and run it, or leave it (not due, or running elsewhere)."""
    try:
        with exclusive(chore.name) as free:
            if not free:
                return Outcome(chore.name, ran=False)
            started = clock()
            if not claim(chore, started, crashed_before=started if free is LOCKED else None):
                return Outcome(chore.name, ran=False)
            return _run_claimed(chore, started, clock)
    except Exception as exc:  # the database went away between chores, say
        db.session.rollback()
        log.exception("chore %s: could not be claimed or recorded", chore.name)
        return Outcome(chore.name, ran=False, error=_describe(exc))


def _run_claimed(chore: Chore, started: dt.datetime, clock: Clock) -> Outcome:
    began = time.perf_counter()
    result = error = None
    try:
        result = chore.run()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        error = _describe(exc)
        log.exception("chore %s failed in %.2f s: %s", chore.name, _since(began), error)
    else:
        log.info("chore %s ok in %.2f s: %s", chore.name, _since(began), result)
    seconds = _since(began)
    try:
        finish(chore.name, started, clock(), result, error)
    except Exception:  # the claim stays in flight: the lock or the lease frees it
        db.session.rollback()
        log.exception("chore %s: could not record the end of its run", chore.name)
    return Outcome(chore.name, ran=True, result=result, error=error, seconds=seconds)


def _since(began: float) -> float:
    return time.perf_counter() - began


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def add_rows(names: Sequence[str]) -> None:
    """Make sure each chore has its row (once per app: a new chore gets one on first run)."""
    known = current_app.extensions.setdefault("chore_rows", set())
    missing = [name for name in names if name not in known]
    if not missing:
        return
    insert = dialect_insert(db.session.get_bind().dialect.name)
    db.session.execute(
        insert(ChoreRun.__table__)
        .values([{"name": name} for name in missing])
        .on_conflict_do_nothing(index_elements=["name"])
    )
    db.session.commit()
    known.update(missing)


def claim(chore: Chore, now: dt.datetime, crashed_before: dt.datetime | None = None) -> bool:
    """Mark the chore started at `now` if it is due and no run is in flight (a run in flight
    since before `crashed_before`, default now - lease, counts as crashed); True if this
    call won it. Commits."""
    table = ChoreRun.__table__
    started, finished = table.c.last_started_at, table.c.last_finished_at
    in_flight = sa.or_(finished.is_(None), finished < started)
    # "every 15 minutes" is due again at 15 minutes; a daily run at 02:00 is today's run.
    boundary = chore.due_since(now)
    stale = started <= boundary if chore.every is not None else started < boundary
    due = sa.or_(
        stale,
        sa.and_(table.c.last_error.is_not(None), started <= now - RETRY_FAILED_AFTER),
    )
    crashed = started < (crashed_before or now - chore.lease)
    won = db.session.execute(
        sa.update(table)
        .where(table.c.name == chore.name)
        .where(
            sa.or_(
                started.is_(None),
                sa.and_(sa.not_(in_flight), due),
                sa.and_(in_flight, crashed),
            )
        )
        .values(last_started_at=now)
    ).rowcount
    db.session.commit()
    return won == 1


def finish(
    name: str, started: dt.datetime, now: dt.datetime, result: str | None, error: str | None
) -> None:
    """Record the end of the run claimed at `started`: only if the row is still that run's
    (a claim taken over as crashed belongs to the worker that took it)."""
    table = ChoreRun.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.name == name)
        .where(table.c.last_started_at == started)
        .values(
            last_finished_at=max(now, started),
            last_error=error,
            last_result=None if result is None else str(result)[:300],
        )
    )
    db.session.commit()


#: What exclusive() yields on PostgreSQL when it holds the chore's lock (truthy, like True).
LOCKED = "locked"


@contextlib.contextmanager
def exclusive(name: str) -> Iterator[bool | str]:
    """On PostgreSQL, hold the chore's advisory lock while the body runs: yields LOCKED, or
    False when another worker holds it. Elsewhere yields True (the claim's lease guards)."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield True
        return
    key = {"ns": LOCK_NAMESPACE, "key": zlib.crc32(name.encode()) - 2**31}
    # Its own connection, outside the session's transactions: a session-level lock outlives
    # the chore's commits and is released by PostgreSQL when the connection dies.
    connection = db.engine.connect()
    try:
        got = connection.execute(sa.text("SELECT pg_try_advisory_lock(:ns, :key)"), key).scalar()
        connection.commit()  # hold the lock, not a transaction
        if not got:
            yield False
            return
        try:
            yield LOCKED
        finally:
            _unlock(connection, key)
    finally:
        connection.close()


def _unlock(connection: sa.Connection, key: dict) -> None:
    try:
        connection.execute(sa.text("SELECT pg_advisory_unlock(:ns, :key)"), key)
        connection.commit()
    except Exception:
        # A pooled connection must never keep the lock: drop it, and the lock goes with it.
        log.warning("could not release a chore's lock; dropping its connection", exc_info=True)
        connection.invalidate()
