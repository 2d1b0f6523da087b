"""Engine set-up per backend: SQLite pragmas (WAL, busy timeout, foreign keys) and a queue
for SQLite's writers."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask, g, has_app_context, has_request_context, request

from campaign.core.extensions import db


def init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            queue = app.config.get("SQLITE_WRITE_QUEUE", True) and database not in (None, "")
            _configure_sqlite(
                engine,
                app.config["SQLITE_BUSY_TIMEOUT_MS"],
                app.config.get("SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True),
                f"{database}.writers" if queue and database != ":memory:" else None,
            )


@contextmanager
def reads_before_writes():
    """Run the enclosed reads of a write request (or of a command that only reads, such as an
    export) in their own read transaction, ended on exit, so the write transaction that
    follows (IMMEDIATE on SQLite, where it holds the one write lock) is only as long as the
    writes. Objects read here stay loaded (not expired) for the writes; they may be a few
    milliseconds old, so writes must not trust them for anything a constraint does not also
    check. Writing inside the block is a programming error."""
    session = db.session()
    outer, g.db_read_phase = g.get("db_read_phase", False), True
    try:
        yield
    finally:
        g.db_read_phase = outer
    if outer:
        return
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("reads_before_writes() block changed objects; write after it")
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()  # ends the read transaction; nothing was written
    finally:
        session.expire_on_commit = expire


class WriterQueue:
    """Makes SQLite's writers take turns through a lock file instead of SQLite's busy handler.

    A writer that finds the database locked sleeps in SQLite's busy handler for growing
    intervals (up to 100 ms) and retries, so under many concurrent signers the lock often sits
    free while everyone sleeps: throughput falls below that of a single client. Here every
    write transaction first takes an exclusive flock() on `<database>.writers` (one open file
    per connection, so threads and processes alike queue), polling every millisecond or two.
    After busy_timeout it gives up waiting and lets SQLite's own locking decide, so a stuck
    holder can never hang a request.

    Within one process, writers first queue on a threading lock, which hands over the moment
    it is released; only one thread per process polls the lock file."""

    def __init__(self, path: str, timeout_s: float):
        self.path, self.timeout_s = path, timeout_s
        self._turn = threading.Lock()

    def open(self, info: dict) -> None:
        info["writers_fd"] = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, info: dict) -> None:
        fd = info.get("writers_fd")
        if fd is None:
            return
        if info.get("writers_turn"):
            return  # this connection has its turn already
        deadline = time.monotonic() + self.timeout_s
        if not self._turn.acquire(timeout=self.timeout_s):
            return
        info["writers_turn"] = True
        pause = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return
                time.sleep(pause)
                pause = min(pause * 2, 0.002)
            else:
                info["writers_held"] = True
                return

    def release(self, info: dict) -> None:
        if info.pop("writers_held", False):
            fcntl.flock(info["writers_fd"], fcntl.LOCK_UN)
        if info.pop("writers_turn", False):
            self._turn.release()

    def close(self, info: dict) -> None:
        self.release(info)
        fd = info.pop("writers_fd", None)
        if fd is not None:
            os.close(fd)


def _configure_sqlite(
    engine: sa.Engine, busy_timeout_ms: int, immediate_outside: bool, queue_path: str | None
) -> None:
    queue = WriterQueue(queue_path, busy_timeout_ms / 1000) if queue_path else None

    if queue is not None:
        # Released at the end of every transaction, also when the pool resets or closes it.
        # SQLAlchemy's commit and rollback events fire *before* the DBAPI call: the listener
        # ends the transaction itself, then hands the turn on (SQLAlchemy's own call that
        # follows finds no transaction and does nothing). Otherwise the next writer's BEGIN
        # IMMEDIATE could reach SQLite first and sleep in its busy handler.
        @sa.event.listens_for(engine, "commit")
        def _on_commit(connection):
            _driver(connection, "COMMIT", lambda driver: driver.commit())
            queue.release(connection.connection.info)

        @sa.event.listens_for(engine, "rollback")
        def _on_rollback(connection):
            _driver(connection, "ROLLBACK", lambda driver: driver.rollback())
            queue.release(connection.connection.info)

        # Two listeners, not one: SQLAlchemy 2 inspects the signature, and a catch-all
        # "reset" listener goes through its legacy adapter, which warns on every checkin.
        @sa.event.listens_for(engine.pool, "reset")
        def _on_reset(_dbapi_connection, record, _reset_state):
            if record is not None:
                queue.release(record.info)

        @sa.event.listens_for(engine.pool, "checkin")
        def _on_checkin(_dbapi_connection, record):
            if record is not None:
                queue.release(record.info)

        @sa.event.listens_for(engine.pool, "close")
        @sa.event.listens_for(engine.pool, "invalidate")
        def _on_close(_dbapi_connection, record, *_args):
            if record is not None:
                queue.close(record.info)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        if queue is not None:
            queue.open(record.info)
        # Let SQLAlchemy, not pysqlite, issue BEGIN, so transactions start where we say.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Erased and shredded values are overwritten in the file, not left in free pages.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writes take the lock up front (IMMEDIATE): a WAL transaction that read first and
        # writes later fails at once with "database is locked" if another writer got in
        # between, and busy_timeout cannot help it. Safe-method requests only read, so they
        # use a plain deferred BEGIN and never wait on writers.
        if has_app_context() and g.get("db_read_phase", False):
            read_only = True  # inside reads_before_writes(), in a request or a command
        elif has_request_context():
            read_only = request.method in ("GET", "HEAD", "OPTIONS")
        else:
            read_only = not immediate_outside
        if not read_only and queue is not None:
            queue.acquire(connection.connection.info)
        statement = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        # Straight to the driver: SQLAlchemy's execution path cost more than BEGIN itself, on
        # every request.
        _driver(connection, statement, lambda driver: driver.execute(statement))


def checkpoint_wal() -> None:
    """After erasing (privacy purge, shred): copy the WAL into the database file and empty
    it, so erased values do not linger in `<database>-wal`. Call after the commit. No-op on
    PostgreSQL (docs/privacy.md says what it needs instead)."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def _driver(connection, statement: str, call) -> None:
    """call(the sqlite3 connection), with its errors wrapped as SQLAlchemy's own would be."""
    try:
        call(connection.connection.driver_connection)
    except sqlite3.Error as exc:
        raise sa.exc.DBAPIError.instance(
            statement, None, exc, sqlite3.Error, dialect=connection.dialect
        ) from exc
