"""`flask export signatures` reads in a read transaction: on SQLite, signers can write while a
long export runs (commands otherwise take the write lock at BEGIN)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from campaign.appeals.models import Appeal
from campaign.core.engine import reads_before_writes


@pytest.fixture
def app_config(app_config):
    # As in production: commands begin IMMEDIATE unless they say they only read.
    return {**app_config, "SQLITE_IMMEDIATE_OUTSIDE_REQUESTS": True}


def _other_writer_can_write(db) -> bool:
    other = sqlite3.connect(db.engine.url.database, timeout=0.2)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_reading_command_leaves_the_write_lock_free(db, make_appeal):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    make_appeal()
    db.session.commit()
    db.session.execute(sa.select(Appeal.id)).all()  # an ordinary command transaction
    assert not _other_writer_can_write(db)
    db.session.rollback()
    with reads_before_writes():
        db.session.execute(sa.select(Appeal.id)).all()
        assert _other_writer_can_write(db)


def test_the_export_command_streams_inside_a_read_transaction(runner, db, make_appeal):
    appeal = make_appeal()
    db.session.commit()
    result = runner.invoke(args=["export", "signatures", appeal.slug])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("id,created_at,state")
