"""Engine set-up per backend: SQLite pragmas (WAL, busy timeout, foreign keys)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, has_request_context, request

from campaign.extensions import db


def init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(
                engine,
                app.config["SQLITE_BUSY_TIMEOUT_MS"],
                app.config.get("SQLITE_IMMEDIATE_OUTSIDE_REQUESTS", True),
            )


def _configure_sqlite(engine: sa.Engine, busy_timeout_ms: int, immediate_outside: bool) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, issue BEGIN, so transactions start where we say.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writes take the lock up front (IMMEDIATE): a WAL transaction that read first and
        # writes later fails at once with "database is locked" if another writer got in
        # between, and busy_timeout cannot help it. Safe-method requests only read, so they
        # use a plain deferred BEGIN and never wait on writers.
        if has_request_context():
            read_only = request.method in ("GET", "HEAD", "OPTIONS")
        else:
            read_only = not immediate_outside
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
