"""When a chore is due, and the claim that makes one worker run it: on SQLite by default, on
PostgreSQL with TEST_DATABASE_URL (the races and the crashed claims go both ways)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from campaign.chores.models import ChoreRun
from campaign.chores.schedule import RETRY_FAILED_AFTER, Chore, exclusive, run_due
from campaign.core.extensions import db as _db
from tests.chores.conftest import interval, is_postgres


def row(name: str) -> ChoreRun:
    _db.session.expire_all()
    return _db.session.get(ChoreRun, name)


def ran(outcomes) -> list[str]:
    return [outcome.name for outcome in outcomes if outcome.ran]


def test_an_interval_chore_runs_when_due_and_not_before(app, counter, clock):
    chore = interval("count", counter, minutes=15)
    assert ran(run_due([chore], clock)) == ["count"]
    clock.set("2026-03-02 10:14:59")
    assert ran(run_due([chore], clock)) == []
    clock.set("2026-03-02 10:15:00")
    assert ran(run_due([chore], clock)) == ["count"]
    assert counter.runs == 2
    stored = row("count")
    assert stored.last_started_at == stored.last_finished_at == clock.now
    assert stored.last_result == "run 2" and stored.last_error is None


def test_a_daily_chore_runs_once_a_day_and_again_the_next_day(app, counter, clock, other_worker):
    chore = Chore("nightly", counter, daily_at=2)
    clock.set("2026-03-02 10:00")
    assert ran(run_due([chore], clock)) == ["nightly"]
    for later in ("2026-03-02 10:01", "2026-03-02 23:59", "2026-03-03 01:59:59"):
        clock.set(later)
        assert ran(run_due([chore], clock)) == [], later
    with other_worker().app_context():  # a restart, or another worker: the row decides
        assert ran(run_due([chore], clock)) == []
    clock.set("2026-03-03 02:00")
    assert ran(run_due([chore], clock)) == ["nightly"]
    clock.set("2026-03-03 09:00")
    assert ran(run_due([chore], clock)) == []
    assert counter.runs == 2


def test_a_daily_chore_first_seen_before_its_hour_runs_at_once(app, counter, clock):
    # Its boundary is yesterday's 02:00: a new site does not wait a day for its first purge.
    clock.set("2026-03-02 00:30")
    assert ran(run_due([Chore("nightly", counter, daily_at=2)], clock)) == ["nightly"]


def test_a_failing_chore_is_recorded_and_does_not_stop_the_others(app, counter, clock, caplog):
    caplog.set_level("INFO", logger="campaign.chores")

    def boom() -> str:
        _db.session.execute(sa.update(ChoreRun).values(last_result="half done"))
        raise RuntimeError("the mailbox is on fire")

    chores = [Chore("broken", boom, daily_at=2), interval("count", counter)]
    outcomes = run_due(chores, clock)
    assert [(o.name, o.ran, o.failed) for o in outcomes] == [
        ("broken", True, True),
        ("count", True, False),
    ]
    assert counter.runs == 1
    broken = row("broken")
    assert broken.last_error == "RuntimeError: the mailbox is on fire"
    assert broken.last_result is None  # its half-done work was rolled back
    assert "chore broken failed" in caplog.text and "chore count ok" in caplog.text
    # Tried again after RETRY_FAILED_AFTER, not the next day; a success clears the error.
    clock.now += RETRY_FAILED_AFTER - dt.timedelta(seconds=1)
    assert ran(run_due(chores[:1], clock)) == []
    clock.now += dt.timedelta(seconds=1)
    fixed = Chore("broken", lambda: "fine", daily_at=2)
    assert ran(run_due([fixed], clock)) == ["broken"]
    assert row("broken").last_error is None and row("broken").last_result == "fine"


def test_one_line_is_logged_per_chore_run(app, counter, clock, caplog):
    caplog.set_level("INFO", logger="campaign.chores")
    run_due([interval("count", counter)], clock)
    [line] = [r.getMessage() for r in caplog.records if r.name == "campaign.chores.schedule"]
    assert line.startswith("chore count ok in ") and line.endswith(" s: run 1")


def _race(apps, chores, clock) -> list:
    """run_due(chores) in one thread per app (each its own engine and session), at once."""
    barrier = threading.Barrier(len(apps))
    results: list = [None] * len(apps)

    def run(i, worker_app):
        with worker_app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = run_due(chores, clock)
            except BaseException as exc:
                results[i] = exc
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(apps)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(isinstance(r, BaseException) for r in results), results
    return results


def test_workers_racing_for_a_chore_run_it_once(app, counter, clock, other_worker):
    chores = [interval("count", counter), Chore("nightly", counter, daily_at=2)]
    workers = [other_worker() for _ in range(4)]
    results = _race(workers, chores, clock)
    assert counter.runs == 2
    assert sorted(name for outcomes in results for name in ran(outcomes)) == ["count", "nightly"]
    clock.set("2026-03-03 03:00")  # the next day, both are due again: still once each
    _race(workers, chores, clock)
    assert counter.runs == 4


def test_a_running_chore_is_not_started_by_another_worker(app, counter, clock, other_worker):
    # On PostgreSQL the running worker's lock keeps the other out even with no lease at all.
    lease = dt.timedelta(0) if is_postgres() else dt.timedelta(hours=2)
    chore = interval("slow", counter, minutes=1, lease=lease)
    counter.release.clear()
    first, second = other_worker(), other_worker()
    outcomes = {}

    def run_first():
        with first.app_context():
            outcomes["first"] = run_due([chore], clock)
            _db.session.remove()

    thread = threading.Thread(target=run_first)
    thread.start()
    try:
        assert counter.entered.wait(timeout=30)
        clock.now += dt.timedelta(hours=3)  # long past its period (and, on SQLite, nothing else)
        if not is_postgres():
            clock.now -= dt.timedelta(hours=2)  # within the lease
        with second.app_context():
            assert ran(run_due([chore], clock)) == []
    finally:
        counter.release.set()
        thread.join(timeout=30)
    assert ran(outcomes["first"]) == ["slow"] and counter.runs == 1


def _crashed_claim(name: str, started: dt.datetime) -> None:
    """A row as a worker killed in the middle of its run leaves it."""
    _db.session.add(ChoreRun(name=name, last_started_at=started, last_finished_at=None))
    _db.session.commit()


def test_a_crashed_claim_expires(app, counter, clock):
    chore = interval("count", counter, minutes=1, lease=dt.timedelta(hours=1))
    _crashed_claim("count", clock.now - dt.timedelta(minutes=30))
    if is_postgres():
        # Nobody holds its lock: the worker that claimed it is gone; taken over at once.
        assert ran(run_due([chore], clock)) == ["count"]
        return
    assert ran(run_due([chore], clock)) == []  # within its lease: maybe still running
    clock.now += dt.timedelta(minutes=31)
    assert ran(run_due([chore], clock)) == ["count"]
    assert row("count").last_finished_at == clock.now


def test_a_late_end_of_a_taken_over_run_leaves_the_new_claim_alone(app, clock):
    from campaign.chores.schedule import finish

    _crashed_claim("count", clock.now - dt.timedelta(hours=3))
    assert ran(run_due([interval("count", lambda: "new", lease=dt.timedelta(hours=1))], clock))
    finish("count", clock.now - dt.timedelta(hours=3), clock.now, None, "the old run's end")
    assert row("count").last_error is None and row("count").last_result == "new"


@pytest.mark.postgres
def test_on_postgresql_a_chore_whose_lock_is_held_is_left_alone(app, counter, clock, other_worker):
    if not is_postgres():
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite has no advisory locks")
    _crashed_claim("count", clock.now - dt.timedelta(hours=3))
    with other_worker().app_context(), exclusive("count") as held:
        assert held  # another worker, running it for three hours now
        assert ran(run_due([interval("count", counter, lease=dt.timedelta(0))], clock)) == []
        _db.session.remove()
    assert counter.runs == 0
    assert ran(run_due([interval("count", counter)], clock)) == ["count"]


def test_an_unreachable_database_fails_the_round_not_the_worker(app_config, counter, clock):
    from campaign import create_app

    gone = create_app(
        "testing", **{**app_config, "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/x.db"}
    )
    with gone.app_context():
        outcomes = run_due([interval("count", counter)], clock)
        _db.session.remove()
    [outcome] = outcomes
    assert not outcome.ran and "OperationalError" in outcome.error and counter.runs == 0
