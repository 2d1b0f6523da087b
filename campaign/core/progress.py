"""Progress bars for long commands (exports, purge, shred, recount, demo load, mailshots):
drawn on stderr when stderr is a terminal, nothing at all when it is not, so piped or
redirected output (an export's CSV on stdout, a cron job's log) stays exactly as it was.

Services report progress through an `advance(n)` callable they take as an argument (a no-op
by default: the worker and the admin call them without one); the commands make it here. The
total comes from a COUNT, asked only when a bar is drawn."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

import click

T = TypeVar("T")
Advance = Callable[[int], None]
Total = int | Callable[[], int]


def nothing(steps: int = 1) -> None:
    """The `advance` of a caller that shows no progress."""


def shows_progress(stream: TextIO | None = None) -> bool:
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress_bar(label: str, total: Total, stream: TextIO | None = None) -> Iterator[Advance]:
    """An `advance(n)` that moves a bar of `total` steps on `stream` (default stderr) when it
    is a terminal, else does nothing. `total` may be a callable, called only for a bar."""
    stream = sys.stderr if stream is None else stream
    if not shows_progress(stream):
        yield nothing
        return
    length = total() if callable(total) else total
    with click.progressbar(
        length=max(int(length), 0), label=label, file=stream, show_pos=True, show_percent=True
    ) as bar:
        yield bar.update


def progress(
    items: Iterable[T],
    label: str,
    total: Total,
    *,
    size: Callable[[T], int] | None = None,
    stream: TextIO | None = None,
) -> Iterator[T]:
    """`items`, unchanged, moving a bar as each is consumed (by `size(item)` steps, else 1)."""
    with progress_bar(label, total, stream) as advance:
        if advance is nothing:
            yield from items
            return
        for item in items:
            yield item
            advance(size(item) if size else 1)
