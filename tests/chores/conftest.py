"""Fixtures for the chores: a chore that counts its runs, a clock the test sets, and more
workers (each an app of its own, with its own engine and session) on the test's database."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from campaign import create_app
from campaign.chores.schedule import Chore
from campaign.core.extensions import db as _db


class Counter:
    """A chore's work that counts its runs (thread-safe) and can be held inside a run."""

    def __init__(self):
        self.runs = 0
        self._lock = threading.Lock()
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def __call__(self) -> str:
        with self._lock:
            self.runs += 1
        self.entered.set()
        assert self.release.wait(timeout=30), "the test never let the chore finish"
        return f"run {self.runs}"


@pytest.fixture
def counter() -> Counter:
    return Counter()


class Clock:
    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, text: str) -> None:
        self.now = dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC))


def interval(name: str, run, minutes: int = 15, **kwargs) -> Chore:
    return Chore(name, run, every=dt.timedelta(minutes=minutes), **kwargs)


@pytest.fixture
def other_worker(app, app_config):
    """other_worker() -> a new app on the same database: another worker process, as far as
    the database can tell (its own engine and connections)."""
    made = []

    def make():
        made.append(create_app("testing", **app_config))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            _db.session.remove()
            _db.engine.dispose()


def is_postgres() -> bool:
    return _db.engine.dialect.name == "postgresql"
