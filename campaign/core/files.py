"""Files that hold secrets or personal data: created new, readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path

import click


def open_new_private(path: str | Path, mode: str = "w"):
    """Open a file that must not exist yet with mode 0600; FileExistsError if it does, so a
    key or an export never overwrites (or is written into) a file someone else prepared."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(descriptor, mode)


def open_new_private_for_command(path: str | Path, mode: str = "w"):
    """open_new_private for a `flask ...` command: a clear error and exit 1 instead of a
    traceback when the file exists or cannot be written."""
    try:
        return open_new_private(path, mode)
    except FileExistsError:
        raise click.ClickException(f"{path} already exists: choose another file.") from None
    except OSError as error:
        raise click.ClickException(f"Cannot write {path}: {error.strerror}.") from None
