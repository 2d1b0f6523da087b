"""Stopping the outbox worker: SIGTERM (systemd, docker stop) or SIGINT (Ctrl+C).

The first signal asks for a stop: the message in flight is finished and recorded, the rest
of its batch is given back at once (no attempt counted, no claim left to expire), and
`flask outbox work` exits 0. A second signal stops at once (KeyboardInterrupt); the batch's
claims are still given back, so at most the message in flight may go out twice."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading

log = logging.getLogger(__name__)
_requested = threading.Event()
SIGNALS = (signal.SIGTERM, signal.SIGINT)


def requested() -> bool:
    return _requested.is_set()


def request() -> None:
    _requested.set()


def wait(seconds: float) -> bool:
    """Sleep up to `seconds`, less when a stop is asked for; True if it was."""
    return _requested.wait(seconds)


def on_signal(signum, frame) -> None:
    if _requested.is_set():
        raise KeyboardInterrupt  # asked twice: stop now
    _requested.set()
    log.warning(
        "outbox worker stopping after the message in flight (%s again: at once)",
        signal.Signals(signum).name,
    )


@contextlib.contextmanager
def signals_stop_the_worker():
    """SIGTERM and SIGINT ask for a stop while this is active (main thread only)."""
    previous = {signum: signal.signal(signum, on_signal) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        _requested.clear()
