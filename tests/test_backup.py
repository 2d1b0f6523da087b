"""`flask db backup` makes a consistent copy while the site writes; `flask db restore` checks
the file and puts it back; bad input exits non-zero with one line."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from flask_migrate import upgrade

from campaign import create_app
from campaign.core.extensions import db


@pytest.fixture
def site(tmp_path):
    """A SQLite site of its own (whatever backend the suite runs on), migrated to head."""
    path = tmp_path / "site.db"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        upgrade()
        db.session.remove()
    yield app, path
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _invoke(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["db", *args], input=input)


def _add_entries(path, count, action="test.write"):
    connection = sqlite3.connect(path, timeout=15)
    with connection:
        connection.executemany(
            "INSERT INTO audit_entries (action, subject, detail, at) VALUES (?, ?, '', ?)",
            [(action, f"thing:{i}", "2026-01-01 00:00:00") for i in range(count)],
        )
    connection.close()


def _count(path, action=None) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if action is None:
            return connection.execute("SELECT count(*) FROM audit_entries").fetchone()[0]
        sql = "SELECT count(*) FROM audit_entries WHERE action = ?"
        return connection.execute(sql, (action,)).fetchone()[0]
    finally:
        connection.close()


def _one_line_error(result) -> str:
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_backup_is_consistent_while_another_connection_writes(site, tmp_path):
    app, path = site
    _add_entries(path, 10, "before")
    stop = threading.Event()
    written = []
    ready = threading.Event()

    def writer():
        connection = sqlite3.connect(path, timeout=15, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        i = 0
        while not stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "INSERT INTO audit_entries (action, subject, detail, at) "
                "VALUES ('during', ?, 'x', '2026-01-01 00:00:00')",
                (f"row:{i}",),
            )
            connection.execute("COMMIT")
            written.append(i)
            i += 1
            if i == 50:
                ready.set()
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert ready.wait(10)
        before = len(written)
        copy = tmp_path / "copy.db"
        result = _invoke(app, "backup", str(copy))
    finally:
        stop.set()
        thread.join(10)
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        during = connection.execute(
            "SELECT subject FROM audit_entries WHERE action = 'during' ORDER BY id"
        ).fetchall()
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    assert _count(copy, "before") == 10
    # A snapshot: every committed row up to some point, in order, with nothing half-written.
    assert before <= len(during) <= len(written)
    assert [s for (s,) in during] == [f"row:{i}" for i in range(len(during))]
    assert revision is not None


def test_restore_round_trip(site, tmp_path):
    app, path = site
    _add_entries(path, 5, "kept")
    copy = tmp_path / "copy.db"
    assert _invoke(app, "backup", str(copy)).exit_code == 0
    _add_entries(path, 3, "later")
    assert _count(path) == 8

    result = _invoke(app, "restore", str(copy), "--yes")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert _count(path) == 5
    assert _count(path, "later") == 0
    kept = list(tmp_path.glob("site.db.before-restore-*"))
    assert len(kept) == 1
    assert _count(kept[0]) == 8
    with app.app_context():  # the running app reads the restored data
        from campaign.audit.models import AuditEntry

        assert db.session.query(AuditEntry).count() == 5
        db.session.remove()


def test_restore_needs_confirmation_and_changes_nothing_without_it(site, tmp_path):
    app, path = site
    copy = tmp_path / "copy.db"
    assert _invoke(app, "backup", str(copy)).exit_code == 0
    _add_entries(path, 2)
    message = _one_line_error(_invoke(app, "restore", str(copy)))
    assert "--yes" in message
    assert _count(path) == 2


def test_backup_refuses_bad_paths(site, tmp_path):
    app, path = site
    message = _one_line_error(_invoke(app, "backup", str(tmp_path / "missing" / "copy.db")))
    assert "no such directory" in message
    existing = tmp_path / "existing.db"
    existing.write_text("keep me")
    assert "--force" in _one_line_error(_invoke(app, "backup", str(existing)))
    assert existing.read_text() == "keep me"
    assert _invoke(app, "backup", str(existing), "--force").exit_code == 0
    assert "itself" in _one_line_error(_invoke(app, "backup", str(path)))


def test_restore_refuses_what_is_not_a_sound_answerable_database(site, tmp_path):
    app, path = site
    _add_entries(path, 1)
    assert "no such file" in _one_line_error(
        _invoke(app, "restore", str(tmp_path / "nope.db"), "--yes")
    )
    text = tmp_path / "notes.txt"
    text.write_text("not a database at all")
    assert "not a SQLite database" in _one_line_error(_invoke(app, "restore", str(text), "--yes"))

    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    assert "not a usable Answerable database" in _one_line_error(
        _invoke(app, "restore", str(other), "--yes")
    )

    future = tmp_path / "future.db"
    assert _invoke(app, "backup", str(future)).exit_code == 0
    connection = sqlite3.connect(future)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    assert "unknown to this version" in _one_line_error(
        _invoke(app, "restore", str(future), "--yes")
    )

    corrupt = tmp_path / "corrupt.db"
    assert _invoke(app, "backup", str(corrupt)).exit_code == 0
    data = bytearray(corrupt.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[page : 3 * page] = b"\xff" * (2 * page)  # b-tree pages after the schema page
    corrupt.write_bytes(bytes(data))
    _one_line_error(_invoke(app, "restore", str(corrupt), "--yes"))
    assert _count(path) == 1  # the site's data never changed


def test_backup_refuses_postgresql_and_points_at_pg_dump(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://u@127.0.0.1:1/x")
    try:
        message = _one_line_error(_invoke(app, "backup", str(tmp_path / "never.db")))
        assert "pg_dump" in message
        assert "pg_dump" in _one_line_error(
            _invoke(app, "restore", str(tmp_path / "x.db"), "--yes")
        )
    finally:
        with app.app_context():
            db.engine.dispose()
