"""`flask db backup PATH` and `flask db restore PATH` for SQLite sites.

Backups use SQLite's online backup API: the copy is one consistent snapshot even while the
site keeps writing (in WAL mode readers never block writers). PostgreSQL sites use pg_dump and
pg_restore instead (see README, "Backups")."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

SQLITE_HEADER = b"SQLite format 3\x00"


class LazyMigrationCommands(click.Group):
    """`flask db ...` as Flask-Migrate's group, which is loaded (with Alembic) and bound to the
    app only when a `db` command runs (or its help is asked for): every other `flask` command,
    the background worker among them, goes without it."""

    def __init__(self, name: str):
        super().__init__(name, help="Perform database migrations; back up and restore (SQLite).")

    def _group(self) -> click.Group:
        from flask_migrate.cli import db as db_group

        from campaign import bind_migrations
        from campaign.core.inputs import check_command_arguments

        if "migrate" not in current_app.extensions:
            bind_migrations(current_app)
            check_command_arguments(db_group)
        return db_group

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # The real group parses and runs `flask db ...`: its options, its callback, its commands.
        return self._group().make_context(info_name, args, parent=parent, **extra)


def add_backup_commands() -> None:
    """Attach backup and restore to Flask-Migrate's `db` command group."""
    from flask_migrate.cli import db as db_group

    db_group.add_command(backup_command)
    db_group.add_command(restore_command)


def _site_database() -> Path:
    """The site's SQLite file; a one-line error for any other database."""
    from campaign.core.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            f"the database is {url.get_backend_name()}, not SQLite: back it up with pg_dump "
            "(and restore with pg_restore), see README 'Backups'"
        )
    if not url.database or url.database == ":memory:":
        raise click.ClickException("the SQLite database is in memory: there is no file to copy")
    return Path(url.database).resolve()


def _known_revisions() -> tuple[set[str], set[str]]:
    """(every revision in migrations/, the heads)."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    return {rev.revision for rev in script.walk_revisions()}, set(script.get_heads())


def _check_database(path: Path) -> str:
    """The Alembic revision of a sound Answerable SQLite file; ClickException otherwise."""
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise click.ClickException(f"{path}: not a SQLite database")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                raise click.ClickException(f"{path}: integrity check failed: {result[0][0]}")
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"{path}: not a usable Answerable database ({exc})") from exc
    if len(rows) != 1:
        raise click.ClickException(f"{path}: expected one Alembic revision, found {len(rows)}")
    revision = rows[0][0]
    known, _heads = _known_revisions()
    if revision not in known:
        raise click.ClickException(
            f"{path}: Alembic revision {revision!r} is unknown to this version of Answerable"
        )
    return revision


def _copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another through the online backup API."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: a single consistent snapshot
    finally:
        dst.close()
        src.close()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, force: bool):
    """Copy the SQLite database to PATH, consistently, while the site runs."""
    source = _site_database()
    path = path.expanduser().resolve()
    if path == source:
        raise click.ClickException("PATH is the site's database itself")
    if not path.parent.is_dir():
        raise click.ClickException(f"{path.parent}: no such directory")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; pass --force to replace it")
    if not source.is_file():
        raise click.ClickException(f"{source}: the site's database does not exist")
    # Write beside the target and rename, so PATH is never a half-written file.
    fd, tmp_name = tempfile.mkstemp(prefix=".backup-", suffix=".db", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        _copy(source, tmp)
        revision = _check_database(tmp)
        os.replace(tmp, path)
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"backup failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    click.echo(f"Backed up {source} to {path} ({path.stat().st_size} bytes, revision {revision}).")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the site's database without asking.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    """Replace the site's SQLite database with the backup at PATH (stop the site first).

    PATH must be a sound SQLite database at a revision these migrations know. The current
    database is kept beside it as <name>.before-restore-<time>."""
    from campaign.core.extensions import db

    target = _site_database()
    path = path.expanduser().resolve()
    if path == target:
        raise click.ClickException("PATH is the site's database itself")
    revision = _check_database(path)
    if not yes:
        if not sys.stdin.isatty():
            raise click.ClickException(f"this replaces {target}; pass --yes to confirm")
        typed = click.prompt(f"This replaces {target}. Type its path to confirm")
        if Path(typed).expanduser().resolve() != target:
            raise click.ClickException("the path typed is not the site's database; nothing changed")
    db.session.remove()
    db.engine.dispose()
    try:
        if target.exists():
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            keep = target.with_name(f"{target.name}.before-restore-{stamp}")
            _copy(target, keep)
            click.echo(f"Kept the current database as {keep}.")
        _copy(path, target)
    except (sqlite3.Error, OSError) as exc:
        raise click.ClickException(f"restore failed: {exc}") from exc
    _known, heads = _known_revisions()
    click.echo(f"Restored {target} from {path} (revision {revision}).")
    if revision not in heads:
        click.echo("The backup is from an older version: run `flask db upgrade` now.")
